using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>How the gateway authenticates keys and people, and what the services trust.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class GatewayAuthenticationTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task Every_key_problem_gets_the_same_401_bytes()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/repo"));
        var key = await api.AdminKeyAsync("org");
        var revoked = await api.AdminKeyAsync("org");
        using (var admin = await api.AdminAsync())
        {
            (await admin.DeleteAsync($"/v1/api-keys/{revoked.Id}")).Dispose();
        }

        string?[] authorizations =
        [
            null,                                                  // no header
            "Basic dXNlcjpwYXNz",                                  // not Bearer
            "Bearer tos_not-a-key",                                // malformed
            "Bearer tos_00000000_00000000000000000000000000000000", // unknown prefix
            $"Bearer {key.RawKey[..13]}{new string('0', 32)}",     // right prefix, wrong secret
            $"Bearer {revoked.RawKey}",                            // revoked
        ];

        var bodies = new List<string>();
        foreach (var authorization in authorizations)
        {
            using var client = system.NewClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/projects/{project.Id}/scans")
            {
                Content = JsonContent.Create(new { kind = "source" }),
            };
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            await Eventually.ValueAsync(async () =>
            {
                using var response = await client.SendAsync(CloneOf(request));
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    return null; // the revoked key may take a moment to be refused everywhere
                }

                Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                bodies.Add(await response.Content.ReadAsStringAsync());
                return "done";
            }, TimeSpan.FromSeconds(5), $"401 for {authorization}");
        }

        Assert.All(bodies, body => Assert.Equal(bodies[0], body));
        Assert.Equal("Authentication required", JsonDocument.Parse(bodies[0]).RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_key_missing_from_every_cache_is_looked_up_and_works()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        var key = await api.AdminKeyAsync("project", projectId: project.Id);
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis)))
        {
            Assert.True(await redis.GetDatabase().KeyDeleteAsync($"api-keys:{key.KeyPrefix}"));
        }

        using var pipeline = api.With(key);
        using var response = await Scans.TriggerAsync(pipeline, project.Id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_address_that_keeps_presenting_bad_keys_is_slowed_down()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/repo"));
        using var prober = system.NewClient();

        // 30 failures a minute are answered 401; then 429. A window may end inside the loop, so
        // up to two windows' worth are tried.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? throttled = null;
        for (var attempt = 0; attempt < 62 && throttled is null; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/projects/{project.Id}/scans") { Content = JsonContent.Create(new { kind = "source" }) };
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {MadeUpKey()}");
            var response = await prober.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(throttled);
        using (throttled)
        {
            await Problems.ExpectAsync(throttled, HttpStatusCode.TooManyRequests);
            Assert.InRange(int.Parse(Assert.Single(throttled.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        }

        Assert.All(statuses[..^1], status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.True(statuses.Count > 30);

        // Another address is not affected.
        using var other = system.NewClient("tos_00000000_00000000000000000000000000000000");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Scans.TriggerAsync(other, project.Id)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_as_revoked_from_a_throttled_address_long_after_its_revocation()
    {
        var key = await api.AdminKeyAsync("org");
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        // Used just before its revocation: recording that use renews the entry, and must not cut it short.
        using (var pipeline = api.With(key))
        {
            Assert.Equal(HttpStatusCode.OK, (await pipeline.GetAsync("/v1/api-keys/self")).StatusCode);
        }

        using (var admin = await api.AdminAsync())
        {
            (await admin.DeleteAsync($"/v1/api-keys/{key.Id}")).Dispose();
        }

        await Eventually.ValueAsync(async () => await redis.GetDatabase().HashExistsAsync("api-keys:usage", key.Id.ToString()) ? null : "",
            TimeSpan.FromSeconds(30), "the key's last use to be recorded");
        using var runners = system.NewClient();

        // Another pipeline behind the same address makes it throttled: no more lookups from there.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 62 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            statuses.Add(await PresentAsync(runners, MadeUpKey()));
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        await Eventually.ValueAsync(async () => await PresentAsync(runners, key.RawKey) == HttpStatusCode.Unauthorized ? "" : null,
            TimeSpan.FromSeconds(5), "the revoked key to be refused as revoked");

        // Found in the shared cache, not looked up: its entry outlives a live key's two minutes,
        // so the pipeline still learns that its key is revoked, and does not retry after a 429.
        Assert.True(await redis.GetDatabase().KeyTimeToLiveAsync($"api-keys:{key.KeyPrefix}") > TimeSpan.FromDays(29));
    }

    [Fact]
    public async Task A_key_in_use_keeps_its_shared_cache_entry_past_the_entrys_lifetime()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/renewed"));
        var key = await api.AdminKeyAsync("project", projectId: project.Id);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        var entry = $"api-keys:{key.KeyPrefix}";
        // The entry about to expire, as one written two minutes before.
        Assert.True(await redis.GetDatabase().KeyExpireAsync(entry, TimeSpan.FromSeconds(30)));

        using var pipeline = api.With(key);
        Assert.Equal(HttpStatusCode.OK, (await pipeline.GetAsync("/v1/api-keys/self")).StatusCode);

        // The Keys service records the use within seconds and renews the entry with it.
        await Eventually.ValueAsync(async () => await redis.GetDatabase().KeyTimeToLiveAsync(entry) is { } left && left > TimeSpan.FromSeconds(60) ? "" : null,
            TimeSpan.FromSeconds(30), "the used key's entry to be renewed");
    }

    [Fact]
    public async Task A_correct_new_key_works_from_an_address_that_presented_many_bad_ones()
    {
        using var fleet = system.NewClient();

        // One misconfigured pipeline behind a shared address: malformed headers, then made-up keys.
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await PresentAsync(fleet, $"tos_not-a-key-{i}"));
        }

        var wrong = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            wrong.Add(await PresentAsync(fleet, MadeUpKey()));
        }

        var key = await api.AdminKeyAsync("org");

        Assert.Contains(HttpStatusCode.TooManyRequests, wrong);
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(fleet, key.RawKey));
    }

    [Fact]
    public async Task The_bearer_scheme_is_case_insensitive()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        var key = await api.AdminKeyAsync("project", projectId: project.Id);
        using var client = system.NewClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"bEaReR {key.RawKey}");

        using var response = await Scans.TriggerAsync(client, project.Id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_key_is_refused_on_people_endpoints()
    {
        var key = await api.AdminKeyAsync("org");
        using var pipeline = api.With(key);

        foreach (var path in new[] { "/v1/projects", "/v1/api-keys", "/auth/me" })
        {
            using var response = await pipeline.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_persons_token_works_only_where_people_may_call_and_only_as_issued()
    {
        var user = await api.UserAsync(superuser: true);
        var unknownScan = $"/v1/scans/{Guid.NewGuid()}";
        var signature = user.Token.LastIndexOf('.') + 1;
        var forged = $"{user.Token[..signature]}{(user.Token[signature] == 'A' ? 'B' : 'A')}{user.Token[(signature + 1)..]}";

        using (var person = api.With(user))
        {
            using var me = await person.GetAsync("/auth/me");
            using var scan = await person.GetAsync(unknownScan);
            using var self = await person.GetAsync("/v1/api-keys/self");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, scan.StatusCode); // past the gateway: the scan is not there
            Assert.Equal(HttpStatusCode.Unauthorized, self.StatusCode);
        }

        using var forger = system.NewClient(forged);
        foreach (var path in new[] { "/auth/me", "/v1/projects", unknownScan })
        {
            using var response = await forger.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Scope_and_breadth_decide_what_a_key_may_do()
    {
        using var repository = GitRepository.Create();
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, repository.FileUrl);
        var sibling = await api.ProjectAsync(team, repository.FileUrl);
        var elsewhere = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);

        using var projectKey = api.With(await api.AdminKeyAsync("project", projectId: project.Id));
        using var teamKey = api.With(await api.AdminKeyAsync("team", teamId: team.Id));
        using var orgKey = api.With(await api.AdminKeyAsync("org"));
        using var readOnly = api.With(await api.AdminKeyAsync("org", breadth: "read_only"));

        await AssertTriggerAsync(projectKey, project.Id, HttpStatusCode.OK);
        await AssertTriggerAsync(projectKey, sibling.Id, HttpStatusCode.Forbidden);
        await AssertTriggerAsync(teamKey, sibling.Id, HttpStatusCode.OK);
        await AssertTriggerAsync(teamKey, elsewhere.Id, HttpStatusCode.Forbidden);
        await AssertTriggerAsync(orgKey, elsewhere.Id, HttpStatusCode.OK);
        await AssertTriggerAsync(readOnly, elsewhere.Id, HttpStatusCode.Forbidden);
        await AssertTriggerAsync(orgKey, Guid.NewGuid(), HttpStatusCode.NotFound);

        // Polling: a read-only key reads; a key outside the scan's project is refused.
        var scan = await Scans.TriggeredAsync(orgKey, project.Id, new { kind = "source", @ref = "v1.0.0" });
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync($"/v1/scans/{scan.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await projectKey.GetAsync($"/v1/scans/{scan.Id}")).StatusCode);
        var siblingScan = await Scans.TriggeredAsync(orgKey, sibling.Id, new { kind = "source", @ref = "v1.0.0" });
        Assert.Equal(HttpStatusCode.Forbidden, (await projectKey.GetAsync($"/v1/scans/{siblingScan.Id}")).StatusCode);
        var otherScan = await Scans.TriggeredAsync(orgKey, elsewhere.Id, new { kind = "source", @ref = "v1.0.0" });
        Assert.Equal(HttpStatusCode.Forbidden, (await teamKey.GetAsync($"/v1/scans/{otherScan.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await orgKey.GetAsync($"/v1/scans/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task People_trigger_by_role_and_strangers_do_not_see_the_project()
    {
        using var repository = GitRepository.Create();
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, repository.FileUrl);

        using var developer = api.With(await api.UserAsync(team, "developer"));
        using var viewer = api.With(await api.UserAsync(team, "viewer"));
        using var stranger = api.With(await api.UserAsync(await api.TeamAsync(), "team_admin"));

        var scan = await Scans.TriggeredAsync(developer, project.Id);
        Assert.Equal("api", scan.Trigger);
        Assert.Null(scan.ApiKeyId);
        await AssertTriggerAsync(viewer, project.Id, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/v1/scans/{scan.Id}")).StatusCode);
        await AssertTriggerAsync(stranger, project.Id, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/v1/scans/{scan.Id}")).StatusCode);
    }

    [Fact]
    public async Task Revoked_key_is_refused_within_a_second_by_the_pushed_change()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        var key = await api.AdminKeyAsync("project", projectId: project.Id);
        using var pipeline = api.With(key);
        var scan = await Scans.TriggeredAsync(pipeline, project.Id);
        // The gateway now holds the key in its in-process copy for 5 s: only the pushed change
        // can make it refuse the key within the one second allowed below.
        Assert.Equal(HttpStatusCode.OK, (await pipeline.GetAsync($"/v1/scans/{scan.Id}")).StatusCode);

        using (var admin = await api.AdminAsync())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/api-keys/{key.Id}")).StatusCode);
            // Revoking is repeatable.
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/api-keys/{key.Id}")).StatusCode);
        }

        await Eventually.ValueAsync(async () =>
        {
            using var response = await pipeline.GetAsync($"/v1/scans/{scan.Id}");
            return response.StatusCode == HttpStatusCode.Unauthorized ? "refused" : null;
        }, TimeSpan.FromSeconds(1), "the revoked key to be refused");

        // The gateways' shared entry says so too, at a newer version than the one issued.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        var entry = JsonDocument.Parse((string)(await redis.GetDatabase().StringGetAsync($"api-keys:{key.KeyPrefix}"))!).RootElement;
        Assert.True(entry.GetProperty("Revoked").GetBoolean());
        Assert.True(entry.GetProperty("Version").GetInt64() >= 2);
    }

    [Fact]
    public async Task A_revoked_keys_entry_left_stale_by_a_missed_rewrite_is_dropped_on_its_next_use_not_renewed()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/stale-entry"));
        var key = await api.AdminKeyAsync("project", projectId: project.Id);
        using var pipeline = api.With(key);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        var entry = $"api-keys:{key.KeyPrefix}";
        var asIssued = (string)(await redis.GetDatabase().StringGetAsync(entry))!;
        using (var admin = await api.AdminAsync())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/api-keys/{key.Id}")).StatusCode);
        }

        // As if Redis had failed the rewrite after the commit and the queued one had not come
        // through the bus: the shared entry says the key is usable, and each use would renew it.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(await redis.GetDatabase().StringSetAsync(entry, asIssued, TimeSpan.FromMinutes(2)));

        // The Keys service finds the used entry older than the key and drops it; the next check
        // looks the key up afresh. Accepted meanwhile, the poll of an unknown scan is a 404.
        var path = $"/v1/scans/{Guid.NewGuid()}";
        await Eventually.ValueAsync(async () =>
        {
            using var response = await pipeline.GetAsync(path);
            return response.StatusCode == HttpStatusCode.Unauthorized ? "refused" : null;
        }, TimeSpan.FromSeconds(30), "the revoked key's stale entry to be dropped");
        var now = JsonDocument.Parse((string)(await redis.GetDatabase().StringGetAsync(entry))!).RootElement;
        Assert.True(now.GetProperty("Revoked").GetBoolean());
    }

    [Fact]
    public async Task A_deactivated_issuers_keys_stop_working()
    {
        using var repository = GitRepository.Create();
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, repository.FileUrl);
        var developer = await api.UserAsync(team, "developer");
        using var issuer = api.With(developer);
        var key = await Api.KeyAsync(issuer, "project", projectId: project.Id);
        using var pipeline = api.With(key);
        await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = "v1.0.0" });

        using (var admin = await api.AdminAsync())
        {
            using var deactivated = await admin.PatchAsJsonAsync($"/v1/admin/users/{developer.Id}", new { is_active = false });
            Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        }

        await Eventually.ValueAsync(async () =>
        {
            using var response = await Scans.TriggerAsync(pipeline, project.Id, new { kind = "source", @ref = "main" });
            return response.StatusCode == HttpStatusCode.Unauthorized ? "refused" : null;
        }, TimeSpan.FromSeconds(5), "the deactivated issuer's key to be refused");
        using var me = await issuer.GetAsync("/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        // Their still-unexpired token is no good on the CI surface either.
        using var poll = await issuer.PostAsJsonAsync($"/v1/projects/{project.Id}/scans", new { kind = "source" });
        Assert.Equal(HttpStatusCode.Unauthorized, poll.StatusCode);
    }

    [Fact]
    public async Task A_key_narrows_to_read_only_and_never_widens()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        var key = await api.AdminKeyAsync("project", projectId: project.Id);
        using var admin = await api.AdminAsync();
        using var pipeline = api.With(key);

        using (var widen = await admin.PatchAsJsonAsync($"/v1/api-keys/{key.Id}", new { permission_breadth = "read_write" }))
        {
            await Problems.ExpectAsync(widen, HttpStatusCode.UnprocessableEntity);
        }

        using (var narrow = await admin.PatchAsJsonAsync($"/v1/api-keys/{key.Id}", new { permission_breadth = "read_only" }))
        {
            Assert.Equal(HttpStatusCode.OK, narrow.StatusCode);
            Assert.Equal("read_only", (await narrow.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("permission_breadth").GetString());
        }

        await Eventually.ValueAsync(async () =>
        {
            using var response = await Scans.TriggerAsync(pipeline, project.Id);
            return response.StatusCode == HttpStatusCode.Forbidden ? "read-only" : null;
        }, TimeSpan.FromSeconds(5), "the narrowed key to lose write access");
    }

    [Fact]
    public async Task Last_use_shows_in_the_list_within_a_minute()
    {
        using var repository = GitRepository.Create();
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, repository.FileUrl);
        var key = await api.AdminKeyAsync("project", projectId: project.Id);
        using var pipeline = api.With(key);
        await Scans.TriggeredAsync(pipeline, project.Id);

        using var admin = await api.AdminAsync();
        var listed = await Eventually.ValueAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/v1/api-keys?project_id={project.Id}");
            var item = page.GetProperty("items")[0];
            return item.GetProperty("last_used_at").ValueKind == JsonValueKind.Null ? (JsonElement?)null : item;
        }, TimeSpan.FromSeconds(60), "last_used_at to be recorded");

        Assert.StartsWith("127.1.", listed!.Value.GetProperty("last_used_ip").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_cannot_send_its_own_identity_through_the_gateway()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/repo"));
        using var admin = await api.AdminAsync();
        var adminId = (await admin.GetFromJsonAsync<JsonElement>("/auth/me")).GetProperty("id").GetGuid();
        // Even tagged with the services' own keys (as if they had leaked), a super admin's identity
        // sent by a client is dropped: the service sees only the viewer the gateway verified.
        var forged = system.IdentitySigner().Sign(new CallerIdentity(CallerIdentity.User, adminId),
            new IdentityBinding("scans", "POST", $"/v1/projects/{project.Id}/scans", "0123456789abcdef0123456789abcdef"));

        using var viewer = api.With(await api.UserAsync(team, "viewer"));
        viewer.DefaultRequestHeaders.Add("X-TrustedOss-Identity", forged);
        using var trigger = await Scans.TriggerAsync(viewer, project.Id);
        using var newTeam = await viewer.PostAsJsonAsync("/v1/admin/teams", new { name = Api.Unique("team") });
        using var anonymous = system.NewClient();
        anonymous.DefaultRequestHeaders.Add("X-TrustedOss-Identity", forged);
        using var unauthenticated = await Scans.TriggerAsync(anonymous, project.Id);

        Assert.Equal(HttpStatusCode.Forbidden, trigger.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, newTeam.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    [Fact]
    public async Task An_expired_key_is_refused_however_it_reaches_the_gateway()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var orgKey = api.With(await api.AdminKeyAsync("org"));
        var scan = await Scans.TriggeredAsync(orgKey, project.Id);
        var key = await api.AdminKeyAsync("project", projectId: project.Id);

        // Its expiry passes (as if a day went by) before the key is first used, so the gateway has
        // to learn it from the shared cache entry the Keys service writes on the first lookup.
        await using (var db = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase))
        {
            await using var expire = new NpgsqlCommand("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = @id", db);
            expire.Parameters.AddWithValue("id", key.Id);
            Assert.Equal(1, await expire.ExecuteNonQueryAsync());
        }

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        await redis.GetDatabase().KeyDeleteAsync($"api-keys:{key.KeyPrefix}");

        using var pipeline = api.With(key);
        using var lookedUp = await pipeline.GetAsync($"/v1/scans/{scan.Id}");
        Assert.Equal(HttpStatusCode.Unauthorized, lookedUp.StatusCode);
        Assert.True((await redis.GetDatabase().KeyExistsAsync($"api-keys:{key.KeyPrefix}")), "the lookup wrote the shared entry");

        // The next request is answered from the gateway's own copy of that entry: refused again.
        using var fromCache = await pipeline.GetAsync($"/v1/scans/{scan.Id}");
        Assert.Equal(HttpStatusCode.Unauthorized, fromCache.StatusCode);
    }

    [Theory]
    [InlineData(ResourceNames.Scans, "/v1/scans/{0}")]
    [InlineData(ResourceNames.Keys, "/v1/projects/{0}")]
    public async Task A_service_refuses_a_made_up_identity(string service, string pathFormat)
    {
        using var direct = system.App.CreateHttpClient(service);
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, Guid.NewGuid());

        using var forged = new HttpRequestMessage(HttpMethod.Get, path);
        var claims = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new
        {
            caller = new { kind = "user", user_id = Guid.NewGuid() },
            expires = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        })).TrimEnd('=');
        forged.Headers.Add("X-TrustedOss-Identity", $"v3.{claims}.{Convert.ToBase64String(new byte[32]).TrimEnd('=')}");
        using var forgedResponse = await direct.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);

        using var anonymous = await direct.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_identity_replayed_to_another_service_or_request_is_refused()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/replayed"));
        var other = await api.ProjectAsync(team, GitRepository.NeverContacted("org/other"));
        using var admin = await api.AdminAsync();
        var adminId = (await admin.GetFromJsonAsync<JsonElement>("/auth/me")).GetProperty("id").GetGuid();
        var caller = new CallerIdentity(CallerIdentity.User, adminId);
        var path = $"/v1/projects/{project.Id}";
        var requestId = "0123456789abcdef0123456789abcdef";
        using var keys = system.App.CreateHttpClient(ResourceNames.Keys);

        // As the gateway would tag it for this very request (with this run's keys): accepted.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(keys, path, requestId, new IdentityBinding("keys", "GET", path, requestId)));
        // The same caller, bound to a request to the Scan service, a write, another path or another request: refused.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(keys, path, requestId, new IdentityBinding("scans", "GET", path, requestId)));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(keys, path, requestId, new IdentityBinding("keys", "DELETE", path, requestId)));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(keys, path, requestId, new IdentityBinding("keys", "GET", $"/v1/projects/{other.Id}", requestId)));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(keys, path, "ffffffffffffffffffffffffffffffff", new IdentityBinding("keys", "GET", path, requestId)));

        async Task<HttpStatusCode> SendAsync(HttpClient client, string target, string serverRequestId, IdentityBinding binding)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.Add("X-TrustedOss-Identity", system.IdentitySigner().Sign(caller, binding));
            request.Headers.Add("X-Server-Request-ID", serverRequestId);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }
    }

    private static async Task AssertTriggerAsync(HttpClient client, Guid projectId, HttpStatusCode expected)
    {
        using var response = await Scans.TriggerAsync(client, projectId, new { kind = "source", @ref = $"branch-{Guid.NewGuid():N}" });
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static HttpRequestMessage CloneOf(HttpRequestMessage request)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri) { Content = JsonContent.Create(new { kind = "source" }) };
        foreach (var header in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return clone;
    }

    /// <summary>A key of the right shape that no one issued.</summary>
    private static string MadeUpKey() => $"tos_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}_{new string('0', 32)}";

    /// <summary>The status of <c>GET /v1/api-keys/self</c> with <paramref name="credential"/>, from <paramref name="client"/>'s address.</summary>
    private static async Task<HttpStatusCode> PresentAsync(HttpClient client, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/api-keys/self");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {credential}");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
