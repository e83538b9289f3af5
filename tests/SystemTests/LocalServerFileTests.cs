using Microsoft.Extensions.Configuration;
using TrustedOss.AppHost.LocalServers;

namespace TrustedOss.SystemTests;

/// <summary>
/// The servers' files on this machine are their owner's alone: Redis's snapshot holds the page's
/// sessions and the keys that protect them, the secrets folder every generated password.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class LocalServerFileTests(SystemFixture system)
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public void No_one_but_their_owner_may_open_a_servers_folder_a_secret_or_a_servers_configuration()
    {
        var folders = Directory.GetDirectories(system.DataPath);
        Assert.Contains(folders, f => Path.GetFileName(f) == "redis");
        Assert.Contains(folders, f => Path.GetFileName(f) == "secrets");
        var files = Directory.GetFiles(Path.Combine(system.DataPath, "secrets"))
            .Append(Path.Combine(system.DataPath, "redis", "redis.conf"))
            .Append(Path.Combine(system.DataPath, "redis", "users.acl"));

        var open = folders.Concat(files).Where(path => (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
            .Select(path => $"{Path.GetRelativePath(system.DataPath, path)} ({File.GetUnixFileMode(path)})");

        Assert.Empty(open);
    }

    [Fact]
    public void A_second_system_on_the_same_data_folder_is_refused_and_says_why()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [LocalServerFiles.DataPathKey] = system.DataPath })
            .Build();

        var refused = Assert.Throws<InvalidOperationException>(() => LocalServerFiles.Open(configuration, AppContext.BaseDirectory));

        Assert.Contains("in use by another run", refused.Message, StringComparison.Ordinal);
    }
}
