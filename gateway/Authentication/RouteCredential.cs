using Yarp.ReverseProxy.Configuration;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// The credential a route takes, named by every route in <c>gateway/appsettings.json</c> as
/// <c>"Metadata": { "Credential": … }</c>: <c>none</c> (sign-in, webhooks, the web page),
/// <c>people</c> (a person's access token), <c>ci</c> (an API key or a person's token) or
/// <c>api-key</c>. A route that names none of these stops the gateway at start
/// (<see cref="RouteCredentialCheck"/>), so a forgotten credential fails closed.
/// </summary>
public enum RouteCredential
{
    Unknown,
    None,
    People,
    Ci,
    ApiKey,
}

public static class RouteCredentials
{
    public const string MetadataKey = "Credential";

    public static RouteCredential Of(RouteConfig route) =>
        route.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var name) ? Parse(name) : RouteCredential.Unknown;

    public static RouteCredential Parse(string? name) => name switch
    {
        "none" => RouteCredential.None,
        "people" => RouteCredential.People,
        "ci" => RouteCredential.Ci,
        "api-key" => RouteCredential.ApiKey,
        _ => RouteCredential.Unknown,
    };

    /// <summary>Whether an API key may call a route that takes <paramref name="credential"/>.</summary>
    public static bool TakesApiKeys(this RouteCredential credential) => credential is RouteCredential.Ci or RouteCredential.ApiKey;

    /// <summary>Whether a person's access token may call a route that takes <paramref name="credential"/>.</summary>
    public static bool TakesAccessTokens(this RouteCredential credential) => credential is RouteCredential.Ci or RouteCredential.People;
}
