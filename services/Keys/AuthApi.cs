using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Keys;

internal static class AuthApi
{
    public sealed record LoginRequest(string? Email, string? Password);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/login", LoginAsync);
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> LoginAsync(
        LoginRequest request, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
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

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var known = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower(@email) AND is_active)",
            new { email = request.Email }, cancellationToken: cancellationToken));
        _ = known;
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid Credentials",
            detail: "The email or password is wrong.");
    }
}
