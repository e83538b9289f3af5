using Microsoft.AspNetCore.Routing.Template;
using TrustedOss.Gateway.Authentication;
using Yarp.ReverseProxy.Configuration;

namespace TrustedOss.Gateway.ApiReference;

/// <summary>A route the gateway serves to clients: its path pattern, the credential it takes, and its precedence.</summary>
public sealed partial class PublicRoute
{
    private readonly TemplateMatcher matcher;

    public PublicRoute(string id, string pattern, RouteCredential credential, int order)
    {
        Id = id;
        Pattern = pattern;
        Credential = credential;
        Order = order;
        matcher = new TemplateMatcher(TemplateParser.Parse(pattern), []);
    }

    public string Id { get; }

    public string Pattern { get; }

    /// <summary>The credential the route takes (its <c>Metadata:Credential</c>).</summary>
    public RouteCredential Credential { get; }

    public int Order { get; }

    /// <summary>The gateway's routes, most specific first (as the proxy orders them).</summary>
    public static IReadOnlyList<PublicRoute> From(IEnumerable<RouteConfig> routes) =>
        [.. routes
            .Where(r => r.Match.Path is not null)
            .Select(r => new PublicRoute(r.RouteId, r.Match.Path!, RouteCredentials.Of(r), r.Order ?? 0))
            .OrderBy(r => r.Order)];

    /// <summary>The route that takes requests to <paramref name="path"/> (an OpenAPI path; its parameters may hold anything).</summary>
    public static PublicRoute? For(IReadOnlyList<PublicRoute> routes, string path)
    {
        var sample = ParameterPattern().Replace(path, "00000000-0000-0000-0000-000000000001");
        return routes.FirstOrDefault(r => r.matcher.TryMatch(sample, []));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[^}/]+\}")]
    private static partial System.Text.RegularExpressions.Regex ParameterPattern();
}
