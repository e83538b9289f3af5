using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// Each service describes its own public endpoints as an OpenAPI 3.1 document, generated from the
/// endpoints themselves (their summaries, typed results and declared problems). The gateway
/// merges them into the one public reference; <c>/internal</c> calls are left out.
/// </summary>
public static class ApiDocument
{
    public const string Name = "v1";
    public const string Route = "/openapi/{documentName}.json";

    public static TBuilder AddApiDocument<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var service = builder.Environment.ApplicationName;
        builder.Services.AddOpenApi(Name, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = service, Version = Name };
            // Reached only through the gateway, which sets its own server.
            document.Servers = [];
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>The document, for the gateway to collect; the gateway does not route it to clients.</summary>
    public static IEndpointConventionBuilder MapApiDocument(this IEndpointRouteBuilder app) =>
        app.MapOpenApi(Route).AllowAnonymous();
}
