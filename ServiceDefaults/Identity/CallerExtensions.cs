using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TrustedOss.ServiceDefaults.Identity;

public static class CallerExtensions
{
    private static readonly object CallerKey = new();

    /// <summary>Registers identity verification for a service (and signing, for the gateway).</summary>
    public static TBuilder AddCallerIdentity<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<IdentityOptions>()
            .BindConfiguration(IdentityOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => IsPem(o.VerificationKey, "PUBLIC KEY"), "Identity:VerificationKey must be a PEM public key.")
            .Validate(o => string.IsNullOrWhiteSpace(o.SigningKey) || IsPem(o.SigningKey, "PRIVATE KEY"), "Identity:SigningKey must be a PEM private key.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IdentityAssertion>();
        return builder;
    }

    /// <summary>
    /// Reads the gateway's forwarded identity. A header that does not verify is refused outright
    /// (401): it can only come from someone bypassing the gateway or tampering with it.
    /// </summary>
    public static WebApplication UseCallerIdentity(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var header = context.Request.Headers[IdentityAssertion.HeaderName];
            if (header.Count > 0)
            {
                var caller = header.Count == 1
                    ? context.RequestServices.GetRequiredService<IdentityAssertion>().Verify(header[0])
                    : null;
                if (caller is null)
                {
                    await AuthenticationRequired.WriteAsync(context);
                    return;
                }

                context.Items[CallerKey] = caller;
            }

            await next(context);
        });
        return app;
    }

    private static bool IsPem(string value, string label) =>
        value.Contains($"-----BEGIN {label}-----", StringComparison.Ordinal);

    public static CallerIdentity? Caller(this HttpContext context) => context.Items[CallerKey] as CallerIdentity;

    /// <summary>Endpoints in this group answer only callers the gateway verified (people or keys).</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Caller() is not null ? await next(context) : AuthenticationRequired.Result(context.HttpContext));

    /// <summary>Endpoints in this group answer only people (JWT); an API key gets the same 401 as no credential.</summary>
    public static TBuilder RequireUser<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Caller() is { IsUser: true } ? await next(context) : AuthenticationRequired.Result(context.HttpContext));
}
