using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace TrustedOss.Web.Session;

internal static class SignInEndpoints
{
    /// <summary><c>POST /logout</c> (a form with its antiforgery token): ends the session here and in Redis.</summary>
    public static IEndpointRouteBuilder MapSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/login?signed_out=1");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }
}
