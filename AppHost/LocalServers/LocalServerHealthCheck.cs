using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TrustedOss.AppHost.LocalServers;

/// <summary>
/// Healthy when a real client can talk to the server: <paramref name="probe"/> gets the resource's
/// resolved connection string and throws if the server does not answer.
/// </summary>
internal sealed class LocalServerHealthCheck(IResourceWithConnectionString resource, Func<string, CancellationToken, Task> probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet.");
            await probe(connectionString, cancellationToken);
            return HealthCheckResult.Healthy();
        }
#pragma warning disable CA1031 // Any failure means "not healthy yet"; the dashboard shows the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(context.Registration.FailureStatus, exception: ex);
        }
    }
}

internal static class LocalServerHealthCheckExtensions
{
    /// <summary>Registers a probe-based health check for the resource and attaches it, so WaitFor works.</summary>
    public static IResourceBuilder<T> WithProbe<T>(this IResourceBuilder<T> builder, Func<string, CancellationToken, Task> probe)
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new LocalServerHealthCheck(builder.Resource, probe), failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }
}
