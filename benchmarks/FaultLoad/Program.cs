using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using TrustedOss.AppHost;
using TrustedOss.AppHost.LocalServers;
using TrustedOss.FaultLoad;
using TrustedOss.ReadLoad;
using TrustedOss.SystemTests.Support;

// usage: FaultLoad [seconds each server is down, default 8] [seconds watched after its return, default 20] [servers, default postgres,redis,rabbitmq]
var downFor = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8);
var watchedFor = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20);
var servers = args.Length > 2 ? args[2].Split(',') : [ResourceNames.Postgres, ResourceNames.Redis, ResourceNames.RabbitMq];
var work = Directory.CreateTempSubdirectory("trustedoss-fault-load-").FullName;
// The servers run as their own users, which must reach their data folders inside.
File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
try
{
    var repository = Repository.CreateEmpty(Path.Combine(work, "repository"));
    using var serviceLog = new ServiceLog(Path.Combine(Path.GetTempPath(), "trustedoss-fault-load-services.log"));
    await using var app = await FaultSystem.StartAsync(Path.Combine(work, "data"), serviceLog);
    var gateway = app.GetEndpoint(ResourceNames.Gateway, "http");

    Console.WriteLine("Preparing a project, a succeeded scan and 500 project keys.");
    Environment.SetEnvironmentVariable("ADMIN_PASSWORD", FaultSystem.AdminPassword);
    var prepared = await Setup.PrepareAsync(gateway, repository, keyCount: 500);
    var keys = prepared.Keys.Select(k => k.Key).ToList();

        // Polls as fast as 32 connections go; triggers at about 20 a second, so the scans keep up.
    var restarts = new List<Restart>();
    var load = new Load(gateway, prepared.ProjectId, prepared.ScanId, keys, pollers: 32, triggerers: 2, triggerPause: TimeSpan.FromMilliseconds(100));
    try
    {
        Console.WriteLine("Load running; 10 s before the first restart.");
        await Task.Delay(TimeSpan.FromSeconds(10));
        foreach (var server in servers)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var stopping = load.Elapsed;
            await app.StopResourceAsync(server, timeout.Token);
            await Task.Delay(downFor);
            await app.StartResourceAsync(server, timeout.Token);
            var back = load.Elapsed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{server}: stopped at {stopping.TotalSeconds:0.0} s, healthy again at {back.TotalSeconds:0.0} s"));
            restarts.Add(new Restart(server, stopping, back));
            await Task.Delay(watchedFor);
        }
    }
    finally
    {
        await load.DisposeAsync();
    }

    Report.Print(restarts, [.. load.Answers], watchedFor);
    await Report.PrintTriggersAsync(app, prepared.ProjectId, prepared.ScanId, [.. load.AcceptedScans], [.. load.Answers]);
    Console.WriteLine($"The services' logs of this run: {serviceLog.Path}");
}
finally
{
    Directory.Delete(work, recursive: true);
}
