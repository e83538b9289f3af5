using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Keys.Auth;

/// <summary>Signing in and "who am I" (CONTRACT §1).</summary>
internal static class AuthApi
{
    public sealed record LoginRequest(string? Email, string? Password) : IValidatableRequest
    {
        public void Validate(ValidationErrors errors) => errors
            .Check(!string.IsNullOrWhiteSpace(Email), "email", "Email is required.")
            .Check(!string.IsNullOrEmpty(Password), "password", "Password is required.");
    }

    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

    public sealed record MeResponse(Guid Id, string Email, string FullName, bool IsSuperuser, IReadOnlyList<MembershipResponse> Memberships);

    public sealed record MembershipResponse(Guid TeamId, string TeamName, string Role);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().ValidateRequests()
            .WithSummary("Sign in with email and password")
            .WithDescription("Returns a 30-minute bearer access token. More than 5 attempts a minute from one address (an IPv6 /64) "
                + "get 429; so does an attempt on an account within its backoff after 5 failed sign-ins, whatever the address.")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
        auth.MapGet("/me", Me).RequireAuthorization(DirectoryPolicies.ActiveUser)
            .WithSummary("The signed-in person and their team memberships")
            .ProducesProblems(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ApiProblem>> LoginAsync(
        LoginRequest request, HttpContext http, DirectoryStore directory, LoginThrottle throttle,
        IPasswordHasher<UserRow> hasher, AccessTokenIssuer tokens)
    {
        // The gateway sets X-Forwarded-For to the client's address (a client-sent one is replaced).
        var client = http.Request.Headers["X-Forwarded-For"].FirstOrDefault()?.Split(',')[0].Trim()
            ?? http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var email = request.Email!.Trim();
        if (await throttle.TryAttemptFromAsync(client) is { } fromAddress)
        {
            return TooManyAttempts(fromAddress);
        }

        var (user, account) = await directory.FindForSignInAsync(email, http.RequestAborted);
        if (await throttle.TryAttemptOnAsync(account) is { } onAccount)
        {
            return TooManyAttempts(onAccount);
        }

        // An unknown email costs a hash and counts a failure too, so neither timing nor backoff
        // tells which emails exist.
        var verdict = hasher.VerifyHashedPassword(user ?? DecoyUser, user?.PasswordHash ?? DecoyHash.Value, request.Password!);
        if (user is null || !user.IsActive || verdict == PasswordVerificationResult.Failed)
        {
            await throttle.FailedAsync(account);
            // Not the credential 401 of the rest of the API: a sign-in form shows this one.
            return ApiProblems.Unauthorized("Invalid Credentials", "The email or password is wrong.");
        }

        await throttle.SucceededAsync(account);
        var (token, expiresIn) = tokens.Issue(user);
        return TypedResults.Ok(new TokenResponse(token, "bearer", expiresIn));
    }

    private static ApiProblem TooManyAttempts(int retryAfter) =>
        ApiProblems.TooManyRequests($"Too many sign-in attempts from this address or for this account. Retry after {retryAfter} seconds.", retryAfter);

    private static Ok<MeResponse> Me(CurrentUser me) =>
        TypedResults.Ok(new MeResponse(me.Id, me.User.Email, me.User.FullName, me.IsSuperuser,
            [.. me.Memberships.Select(m => new MembershipResponse(m.TeamId, m.TeamName, m.Role))]));

    private static readonly UserRow DecoyUser = new(Guid.Empty, "", "", "", false, false, DateTime.MinValue);
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<UserRow>().HashPassword(DecoyUser, Guid.NewGuid().ToString()));
}
