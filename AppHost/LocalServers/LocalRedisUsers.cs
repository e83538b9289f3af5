using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace TrustedOss.AppHost.LocalServers;

/// <summary>
/// One process's Redis user (an ACL user): its own password, and only the keys and channels it
/// uses, read-only where it only reads. The gateway can read API-key entries but not write them; a
/// service cannot touch another's counters or notes.
/// </summary>
public sealed class LocalRedisUserResource(string name, string userName, LocalRedisResource parent, ParameterResource password)
    : Resource(name), IResourceWithParent<LocalRedisResource>, IResourceWithConnectionString
{
    public string UserName { get; } = userName;

    public ParameterResource Password { get; } = password;

    public LocalRedisResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Parent.Endpoint.Property(EndpointProperty.IPV4Host)}:{Parent.Endpoint.Property(EndpointProperty.Port)},user={UserName},password={Password}");
}

public static class LocalRedisUsers
{
    /// <summary>What StackExchange.Redis itself reads and subscribes to on every connection.</summary>
    private const string ClientOwn = "%R~__Booksleeve_TieBreak &__Booksleeve_MasterChanged";

    /// <summary>
    /// A user allowed <paramref name="access"/>: Redis ACL key and channel rules (<c>~pattern</c>
    /// read and write, <c>%R~pattern</c> read only, <c>&amp;channel</c>). It may run data commands on
    /// those only, never administrative or dangerous ones (CONFIG, FLUSHALL, KEYS, …).
    /// </summary>
    public static IResourceBuilder<LocalRedisUserResource> AddServiceUser(
        this IResourceBuilder<LocalRedisResource> server, string name, string userName, LocalServerFiles? files, string access)
    {
        var password = server.ApplicationBuilder.AddGeneratedSecret($"{name}-password", files);
        var user = new LocalRedisUserResource(name, userName, server.Resource, password.Resource);
        if (files is not null)
        {
            var secret = files.Secret($"{name}-password");
            File.AppendAllText(server.Resource.AclFile!,
                $"user {userName} on #{Sha256(secret)} resetchannels {access} {ClientOwn} +@all -@admin -@dangerous +info\n");
        }

        return server.ApplicationBuilder.AddResource(user)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "RedisUser", State = KnownResourceStates.Running, Properties = [new("user", userName)] });
    }

    /// <summary>The ACL file's form of a password: its SHA-256 in hex, so the file holds no password.</summary>
    internal static string Sha256(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
