using System.Reflection;

namespace TrustedOss.Gateway.Tests;

/// <summary>The gateway holds credentials and signs identities: it carries no messaging or database code it does not use.</summary>
public sealed class GatewayDependencyTests
{
    [Theory]
    [InlineData("MassTransit")]
    [InlineData("DbUp")]
    [InlineData("Npgsql")]
    [InlineData("TrustedOss.Data")]
    [InlineData("TrustedOss.Messaging")]
    public void The_gateway_does_not_depend_on(string assemblyPrefix)
    {
        var closure = DependencyClosure(typeof(GatewayMetrics).Assembly);

        Assert.Contains("TrustedOss.Credentials", closure);
        Assert.DoesNotContain(closure, name => name.StartsWith(assemblyPrefix, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every assembly the gateway references, directly or through the ones it references.</summary>
    private static HashSet<string> DependencyClosure(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { root.GetName().Name! };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (seen.Add(reference.Name!) && TryLoad(reference) is { } loaded)
                {
                    pending.Enqueue(loaded);
                }
            }
        }

        return seen;
    }

    private static Assembly? TryLoad(AssemblyName name)
    {
        try
        {
            return Assembly.Load(name);
        }
        catch (FileNotFoundException)
        {
            // A framework facade this test host does not ship; it references nothing of ours.
            return null;
        }
    }
}
