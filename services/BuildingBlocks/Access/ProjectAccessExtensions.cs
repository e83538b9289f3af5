using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TrustedOss.Access;

public static class ProjectAccessExtensions
{
    /// <summary>The <see cref="KeysClient"/>, reaching the Keys service by service discovery.</summary>
    public static TBuilder AddProjectAccess<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<ProjectFactsCache>();
        builder.Services.AddHttpClient<KeysClient>(client => client.BaseAddress = new Uri("http://keys"));
        return builder;
    }
}
