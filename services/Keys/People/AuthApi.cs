using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Keys.People;

internal static class AuthApi
{
    public sealed record LoginRequest(string? Email, string? Password);

    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

    public sealed record MeResponse(Guid Id, string Email, string FullName, bool IsSuperuser, IReadOnlyList<MembershipResponse> Memberships);

    public sealed record MembershipResponse(Guid TeamId, string TeamName, string Role);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth");
        auth.MapPost("/login", LoginAsync);
        auth.MapGet("/me", Me).RequireActiveUser();
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, PeopleStore people, LoginThrottle throttle,
        IPasswordHasher<UserRow> hasher, AccessTokenIssuer tokens)
    {
        // The gateway sets X-Forwarded-For to the client's address (a client-sent one is replaced).
        var client = http.Request.Headers["X-Forwarded-For"].FirstOrDefault()?.Split(',')[0].Trim()
            ?? http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (await throttle.TryAttemptAsync(client) is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests",
                detail: $"Too many login attempts from this address. Retry after {retryAfter} seconds.");
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors["email"] = ["Email is required."];
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["Password is required."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var user = await people.FindByEmailAsync(request.Email!.Trim(), http.RequestAborted);
        // An unknown email costs a hash too, so timing does not tell which emails exist.
        var verdict = hasher.VerifyHashedPassword(user ?? DecoyUser, user?.PasswordHash ?? DecoyHash.Value, request.Password!);
        if (user is null || !user.IsActive || verdict == PasswordVerificationResult.Failed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid Credentials",
                detail: "The email or password is wrong.");
        }

        var (token, expiresIn) = tokens.Issue(user);
        return TypedResults.Ok(new TokenResponse(token, "bearer", expiresIn));
    }

    private static Ok<MeResponse> Me(HttpContext http)
    {
        var me = http.CurrentUser();
        return TypedResults.Ok(new MeResponse(me.Id, me.User.Email, me.User.FullName, me.IsSuperuser,
            [.. me.Memberships.Select(m => new MembershipResponse(m.TeamId, m.TeamName, m.Role))]));
    }

    private static readonly UserRow DecoyUser = new(Guid.Empty, "", "", "", false, false, DateTime.MinValue);
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<UserRow>().HashPassword(DecoyUser, Guid.NewGuid().ToString()));
}
