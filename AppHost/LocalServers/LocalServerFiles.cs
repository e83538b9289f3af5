using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace TrustedOss.AppHost.LocalServers;

/// <summary>
/// Where the local servers keep their data and secrets, and the small host chores around them
/// (free ports, generated passwords, running a setup command). Only used in run mode, so that
/// publishing the manifest touches nothing on disk.
/// </summary>
public sealed class LocalServerFiles
{
    /// <summary>Configuration key naming the data folder; tests point it at a fresh temporary folder.</summary>
    public const string DataPathKey = "LocalServers:DataPath";

    /// <summary>Configuration key that deletes the data folder before the servers start (<c>run.sh --reset</c>).</summary>
    public const string ResetKey = "LocalServers:Reset";

    /// <summary>
    /// The data folder of this checkout: the configured one, else <c>.data/</c> in the checkout, or,
    /// when run as root, <c>/var/lib/trustedoss/&lt;checkout&gt;-&lt;hash&gt;</c>. As root PostgreSQL runs as
    /// its own <c>postgres</c> user, which cannot enter a checkout under an owner-only home folder
    /// (<c>/root</c>, or any Debian 12 home), and loosening that folder is not ours to do.
    /// </summary>
    public static LocalServerFiles Open(IConfiguration configuration, string appHostDirectory)
    {
        var checkout = Path.GetFullPath(Path.Combine(appHostDirectory, ".."));
        var root = Path.GetFullPath(configuration[DataPathKey] ?? (RunsAsRoot ? SystemDataFolder(checkout) : Path.Combine(checkout, ".data")));
        Directory.CreateDirectory(root);
        var inUse = Hold(root);
        if (configuration.GetValue<bool>(ResetKey))
        {
            foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos().Where(e => e.FullName != inUse))
            {
                if (entry is DirectoryInfo folder)
                {
                    folder.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }

        return new LocalServerFiles(root);
    }

    /// <summary>The locks this process holds on its data folders, kept open for as long as it runs.</summary>
    private static readonly List<FileStream> Held = [];

    /// <summary>
    /// One system per data folder: a second (another <c>run.sh</c> of the checkout) would rewrite
    /// the first's server configuration and share its servers' files. The lock is the kernel's
    /// (<c>flock</c>, which <see cref="FileShare.None"/> takes), so it ends with the process
    /// however the process ends, and a folder is never left locked by a run that was killed.
    /// </summary>
    private static string Hold(string root)
    {
        var path = Path.Combine(root, ".in-use");
        try
        {
            var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            lock (Held)
            {
                Held.Add(held);
            }

            return path;
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"The data folder {root} is in use by another run of this system on this machine: stop that one first, or give this one a folder of its own ({DataPathKey}).", ex);
        }
    }

    /// <summary>Root may hand folders to server users; anyone else runs every server as themselves.</summary>
    public static bool RunsAsRoot { get; } = Environment.UserName == "root";

    /// <summary>One folder per checkout, so two clones on one machine never share a database.</summary>
    private static string SystemDataFolder(string checkout)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(checkout)))[..8];
        return Path.Combine("/var/lib/trustedoss", $"{Path.GetFileName(checkout)}-{hash}");
    }

    public LocalServerFiles(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        // Servers that run as their own user (PostgreSQL) must be able to walk into their folder.
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    public string Root { get; }

    /// <summary>
    /// A server's folder, its owner's alone (0700, tightened if it was made wider): a server's files
    /// (Redis's snapshot holds the page's sessions and their keys) are nobody else's to read.
    /// </summary>
    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path, OwnerOnly | UnixFileMode.UserExecute);
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.UserExecute);
        return path;
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes a file only its owner may read (0600), from the moment it exists.</summary>
    public static void WritePrivate(string path, string text)
    {
        using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        // A file made before with a wider mode keeps it on create: narrowed before anything is written.
        File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnly);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    /// <summary>A password kept in a 0600 file, generated on first use and reused on later runs.</summary>
    // Hex keeps the secret safe inside URIs, connection strings and config files.
    public string Secret(string name) => Secret(name, () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));

    /// <summary>A secret kept in a 0600 file, made by <paramref name="create"/> on first use and reused on later runs.</summary>
    public string Secret(string name, Func<string> create)
    {
        var path = Path.Combine(Folder("secrets"), name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var secret = create();
        WritePrivate(path, secret);
        return secret;
    }

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range. The port is only reserved once the
    /// server starts, and the orchestrator's proxies and every client socket take their ports from
    /// the ephemeral range: a port chosen there could be taken by one of them in between.
    /// </summary>
    public static int FreePort()
    {
        var high = EphemeralRangeStart() - 1;
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(FirstPrivatePort, high + 1);
                if (HandedOut.Contains(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    HandedOut.Add(port);
                    return port;
                }
                catch (SocketException)
                {
                    // In use: try another.
                }
            }
        }

        throw new InvalidOperationException($"No free loopback port between {FirstPrivatePort} and {high}.");
    }

    private const int FirstPrivatePort = 20000;

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>The first port of /proc/sys/net/ipv4/ip_local_port_range (32768 unless changed).</summary>
    private static int EphemeralRangeStart()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        var first = File.Exists(RangeFile) ? File.ReadAllText(RangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        return int.TryParse(first, out var start) && start > FirstPrivatePort + 1000 ? start : 32768;
    }

    /// <summary>Runs a one-off setup command (initdb, chown) and fails loudly with its output.</summary>
    public static void Run(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode}: {error}{output.Result}");
        }
    }
}
