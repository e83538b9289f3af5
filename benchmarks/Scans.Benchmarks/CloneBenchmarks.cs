using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Running;
using TrustedOss.Scans.Running.Egress;

namespace TrustedOss.Scans.Benchmarks;

/// <summary>
/// A real medium repository, this one (about 200 manifests and lock files among its test
/// fixtures, in every format the scanner reads), at its HEAD: fetching the commit alone, as
/// <c>git clone --depth=1 --no-checkout</c> does, against the scanner's fetch, read and document.
/// </summary>
public class CloneBenchmarks
{
    private readonly ScanRunnerOptions options = new() { AllowFileRepositories = true };
    private GitRefResolver git = null!;
    private Remote remote = null!;
    private string commit = "";
    private string repository = "";

    [GlobalSetup]
    public void Setup()
    {
        repository = Git("rev-parse", "--show-toplevel");
        git = new GitRefResolver(Options.Create(options), new RepositoryEgress(new EgressPolicy([]), Dns.GetHostAddressesAsync), NullLogger<GitRefResolver>.Instance);
        remote = git.CheckAsync($"file://{repository}", null, CancellationToken.None).GetAwaiter().GetResult();
        commit = Git("-C", repository, "rev-parse", "HEAD");
    }

    [Benchmark(Baseline = true, Description = "git clone --depth=1 --no-checkout")]
    public void CloneOnly()
    {
        var target = Directory.CreateTempSubdirectory("bench-clone-");
        try
        {
            Git("clone", "--quiet", "--depth=1", "--no-checkout", $"file://{repository}", target.FullName);
        }
        finally
        {
            target.Delete(recursive: true);
        }
    }

    [Benchmark(Description = "scanner: fetch + inventory + document")]
    public int FetchAndInventory() =>
        new CommitInventory(git, Options.Create(options), TimeProvider.System, NullLogger<CommitInventory>.Instance)
            .TakeAsync(remote, commit, Guid.NewGuid(), null, CancellationToken.None).GetAwaiter().GetResult().ComponentCount;

    private static string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {arguments[0]} exited {process.ExitCode}");
    }
}
