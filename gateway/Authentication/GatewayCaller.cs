using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Authentication;

/// <summary>The verified caller of the current request, as the gateway forwards it to the services.</summary>
internal static class GatewayCaller
{
    private static readonly object CallerKey = new();
    private static readonly object OutageKey = new();
    private static readonly object ThrottledKey = new();

    public static void Set(HttpContext context, CallerIdentity caller) => context.Items[CallerKey] = caller;

    /// <summary>An API key's caller (set by its handler), or a person's from the validated JWT.</summary>
    public static CallerIdentity? Get(HttpContext context)
    {
        if (context.Items[CallerKey] is CallerIdentity caller)
        {
            return caller;
        }

        var subject = context.User.FindFirstValue(JwtRegisteredClaimNames.Sub);
        return context.User.Identity?.IsAuthenticated == true && Guid.TryParse(subject, out var userId)
            ? new CallerIdentity(CallerIdentity.User, userId, ClientIp: context.Connection.RemoteIpAddress?.ToString())
            : null;
    }

    public static void MarkOutage(HttpContext context) => context.Items[OutageKey] = true;

    public static bool HadOutage(HttpContext context) => context.Items.ContainsKey(OutageKey);

    public static void MarkThrottled(HttpContext context, int retryAfterSeconds) => context.Items[ThrottledKey] = retryAfterSeconds;

    /// <summary>Seconds the client must wait because its address keeps failing key checks, or null.</summary>
    public static int? ThrottledFor(HttpContext context) => context.Items[ThrottledKey] as int?;
}
