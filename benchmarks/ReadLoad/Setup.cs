using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace TrustedOss.ReadLoad;

/// <summary>
/// What the paths need, made through the public API as the super admin: a project, a scan of it
/// that has succeeded, and enough project keys (issued by several super admins, each holding at
/// most its 100 live keys) that no key reaches its reads-per-minute limit.
/// </summary>
internal static class Setup
{
    public sealed record Prepared(Guid ProjectId, Guid ScanId, string PersonToken, IReadOnlyList<(Guid Id, string Key)> Keys);

    public static async Task<Prepared> PrepareAsync(Uri gateway, string repository, int keyCount)
    {
        using var admin = new HttpClient { BaseAddress = gateway };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(admin, "admin@trustedoss.local", Environment.GetEnvironmentVariable("ADMIN_PASSWORD") ?? ""));
        var team = await Json(await admin.PostAsJsonAsync("/v1/admin/teams", new { name = $"load-{Guid.NewGuid():N}" }));
        var project = await Json(await admin.PostAsJsonAsync("/v1/projects",
            new { team_id = team.GetProperty("id").GetGuid(), name = "load", git_url = repository }));
        var projectId = project.GetProperty("id").GetGuid();

        var keys = new List<(Guid Id, string Key)>();
        for (var issuer = 0; keys.Count < keyCount; issuer++)
        {
            var email = $"load-{Guid.NewGuid():N}@example.com";
            await Json(await admin.PostAsJsonAsync("/v1/admin/users", new { email, password = "load-password-1234", full_name = "Load", is_superuser = true }));
            // Each person signs in from a loopback address of their own: logins are limited per address.
            using var person = FromAddress(gateway, IPAddress.Parse($"127.0.1.{issuer + 1}"));
            person.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(person, email, "load-password-1234"));
            for (var i = 0; i < 100 && keys.Count < keyCount; i++)
            {
                var key = await Json(await person.PostAsJsonAsync("/v1/api-keys", new { name = $"load-{issuer}-{i}", scope = "project", project_id = projectId }));
                keys.Add((key.GetProperty("id").GetGuid(), key.GetProperty("raw_key").GetString()!));
            }
        }

        using var ci = new HttpClient { BaseAddress = gateway };
        ci.DefaultRequestHeaders.Authorization = new("Bearer", keys[0].Key);
        var scan = await Json(await ci.PostAsJsonAsync($"/v1/projects/{projectId}/scans", new { kind = "source" }));
        var scanId = scan.GetProperty("id").GetGuid();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var status = (await Json(await ci.GetAsync($"/v1/scans/{scanId}"))).GetProperty("status").GetString();
            if (status is "succeeded")
            {
                return new Prepared(projectId, scanId, admin.DefaultRequestHeaders.Authorization.Parameter!, keys);
            }

            if (status is "failed")
            {
                throw new InvalidOperationException($"The load's scan {scanId} failed.");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The load's scan {scanId} did not finish in a minute.");
    }

    /// <summary>A client whose connections come from <paramref name="local"/> (any 127.x address).</summary>
    public static HttpClient FromAddress(Uri gateway, IPAddress local) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = gateway };

    private static async Task<string> TokenAsync(HttpClient client, string email, string password) =>
        (await Json(await client.PostAsJsonAsync("/auth/login", new { email, password }))).GetProperty("access_token").GetString()!;

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
    }
}
