using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TrustedOss.ServiceDefaults.Identity;

public static class IdentityExtensions
{
    /// <summary>
    /// A service's authentication (the gateway's forwarded identity, bound to <paramref name="audience"/>:
    /// the name the gateway's routes give this service) and its named policies.
    /// </summary>
    public static TBuilder AddCallerIdentity<TBuilder>(this TBuilder builder, string audience, Action<AuthorizationBuilder>? policies = null)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.SectionName)
            .Configure(options => options.Audience = audience)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IdentityVerifier>();
        builder.Services.AddAuthentication(ForwardedIdentityHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ForwardedIdentityHandler>(ForwardedIdentityHandler.SchemeName, null);
        var authorization = builder.Services.AddAuthorizationBuilder();
        CallerPolicies.Add(authorization);
        policies?.Invoke(authorization);
        builder.Services.AddSingleton<IAuthorizationHandler, CallerKindHandler>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalResultHandler>();
        return builder;
    }

    /// <summary>After <c>UseApiDefaults</c>, so refusals carry the request id.</summary>
    public static WebApplication UseCallerIdentity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
