using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TrustedOss.Web.Session;

internal static class SignInEndpoints
{
    /// <summary><c>POST /logout</c> (a form with its antiforgery token): ends the session here and in Redis.</summary>
    public static IEndpointRouteBuilder MapSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost("/logout", async Task<Results<RedirectHttpResult, ProblemHttpResult>> (HttpContext http) =>
        {
            // The antiforgery middleware only records what it found: an endpoint that binds no
            // form must refuse a post without the token itself.
            if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                    title: "This sign-out did not come from this site's page. Sign out with the page's Sign out button.");
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/login?signed_out=1");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }
}
