using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TrustedOss.Web.Session;

internal static class SessionExtensions
{
    public const string CookieName = "trustedoss_session";

    /// <summary>Where the keys that protect cookies and antiforgery tokens live: shared by every replica.</summary>
    public const string DataProtectionKeys = "web-data-protection-keys";

    /// <summary>
    /// A cookie session per signed-in person: HttpOnly, SameSite=Lax, Secure whenever the request
    /// came over https, its content in Redis (<see cref="RedisTicketStore"/>). The keys that protect
    /// the cookie and every form's antiforgery token are in Redis too, so any replica can read what
    /// another wrote.
    /// </summary>
    public static IServiceCollection AddWebSession(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("TrustedOss.Web");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IConnectionMultiplexer>((options, redis) =>
                options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeys));

        services.AddSingleton<RedisTicketStore>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = "/login";
                cookie.AccessDeniedPath = "/login";
                // The session lasts as long as the person's access token (30 minutes), no longer.
                cookie.SlidingExpiration = false;
                cookie.Events.OnRedirectToLogin = context =>
                {
                    // A request that still carries a session cookie had a session that ended: say so.
                    var ended = context.Request.Cookies.ContainsKey(CookieName);
                    context.Response.Redirect(ended ? context.RedirectUri + "&session_ended=1" : context.RedirectUri);
                    return Task.CompletedTask;
                };
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<RedisTicketStore>((cookie, store) => cookie.SessionStore = store);
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        return services;
    }

    /// <summary>The person's access token, kept in their session.</summary>
    public static async Task<string> AccessTokenAsync(this HttpContext http) =>
        await http.GetTokenAsync(AccessTokenName) ?? throw new InvalidOperationException("The session holds no access token.");

    public const string AccessTokenName = "access_token";

    /// <summary>The audit page the menu offers the person (none when they may read no audit log).</summary>
    public const string AuditPageClaim = "trustedoss:audit_page";
}
