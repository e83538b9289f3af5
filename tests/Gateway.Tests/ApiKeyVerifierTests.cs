using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Gateway.Authentication;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Gateway.Tests;

/// <summary>
/// The gateway's in-process decisions about a presented key: its local copy and how long it lives,
/// unknown prefixes remembered, addresses that keep failing throttled, outages told apart from
/// refusals. The shared state (Redis, the Keys service) is a recording stand-in; its real behaviour
/// is covered by the system tests.
/// </summary>
public sealed class ApiKeyVerifierTests : IDisposable
{
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.9");

    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly KeyStateStandIn shared = new();
    private readonly MemoryCache cache;
    private readonly TestMeterFactory meters = new();
    private readonly ApiKeyVerifier verifier;

    public ApiKeyVerifierTests()
    {
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1000, Clock = new TimeProviderClock(time) });
        verifier = new ApiKeyVerifier(cache, shared, Options.Create(KeyStateStandIn.KeyOptions),
            Options.Create(new ApiKeyVerifierOptions { FailuresPerMinute = 3 }), new GatewayMetrics(meters), time);
    }

    [Fact]
    public async Task A_good_key_is_accepted_and_its_entry_reused_for_five_seconds()
    {
        var key = shared.Issue();

        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(key));
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(key));
        Assert.Equal(1, shared.Finds);

        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(key));
        Assert.Equal(2, shared.Finds);
    }

    [Fact]
    public async Task Each_key_has_its_own_entry_and_its_own_note_of_use()
    {
        var first = shared.Issue();
        var second = shared.Issue();

        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(first));
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(second));
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(ApiKeyFormat.NewKey()));
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(shared.Issue()));
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(first));
        Assert.Equal(3, shared.Notes);
    }

    [Fact]
    public async Task A_change_announced_for_a_key_drops_the_local_copy_at_once()
    {
        var key = shared.Issue();
        await OutcomeAsync(key);

        shared.Revoke(key);
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(key));
        verifier.Forget(key[..ApiKeyFormat.PrefixLength]);

        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(key));
    }

    [Fact]
    public async Task A_change_announced_while_a_lookup_runs_keeps_what_it_read_from_being_kept()
    {
        var key = shared.Issue();
        var prefix = key[..ApiKeyFormat.PrefixLength];
        // The lookup reads the entry before the revocation; its announcement arrives before the lookup returns.
        shared.DuringFind = () =>
        {
            shared.Revoke(key);
            verifier.Forget(prefix);
        };

        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(key));
        shared.DuringFind = null;

        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(key));
        Assert.Equal(2, shared.Finds);
    }

    [Fact]
    public async Task A_change_announced_as_a_lookups_entry_is_being_kept_drops_it_again()
    {
        var key = shared.Issue();
        using var keeping = new AnnouncingCache(cache, () => shared.Revoke(key));
        var announced = new ApiKeyVerifier(keeping, shared, Options.Create(KeyStateStandIn.KeyOptions),
            Options.Create(new ApiKeyVerifierOptions { FailuresPerMinute = 3 }), new GatewayMetrics(meters), time);
        keeping.Verifier = announced;

        await announced.VerifyAsync(key, Client, CancellationToken.None);

        Assert.Equal(ApiKeyVerifier.Outcome.Refused, (await announced.VerifyAsync(key, Client, CancellationToken.None)).Outcome);
        Assert.Equal(2, shared.Finds);
    }

    [Fact]
    public async Task An_unknown_prefix_is_remembered_until_a_key_with_it_is_announced()
    {
        var key = ApiKeyFormat.NewKey();

        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(key));
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(key));
        Assert.Equal(1, shared.Finds);

        shared.Issue(key);
        verifier.Forget(key[..ApiKeyFormat.PrefixLength]);
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(key));
        Assert.Equal(2, shared.Finds);
    }

    [Fact]
    public async Task A_wrong_secret_an_expired_or_revoked_key_and_a_malformed_one_are_refused_and_only_a_guess_that_cost_a_lookup_counts()
    {
        var key = shared.Issue();
        var expired = shared.Issue(expiresAt: time.GetUtcNow().UtcDateTime.AddSeconds(1));
        var revoked = shared.Issue();
        shared.Revoke(revoked);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(key[..^1] + (key[^1] == '0' ? '1' : '0')));
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(expired));
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(revoked));
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync("tos_not-a-key"));
        // Only the wrong secret: an expired or revoked key's own secret is its holder's, not a guess.
        Assert.Equal(1, shared.Failures);
    }

    [Fact]
    public async Task An_unknown_prefix_counts_once_then_costs_nothing_while_it_is_remembered()
    {
        var unknown = ApiKeyFormat.NewKey();

        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(unknown));
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(unknown));

        Assert.Equal(1, shared.Failures);
    }

    [Fact]
    public async Task An_address_past_its_failures_gets_no_lookups_but_every_key_in_the_shared_cache_still_verifies()
    {
        var good = shared.Issue();
        var revoked = shared.Issue();
        shared.Revoke(revoked);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(ApiKeyFormat.NewKey()));
        }

        var fourth = await verifier.VerifyAsync(ApiKeyFormat.NewKey(), Client, CancellationToken.None);
        var lookupsWhenThrottled = shared.Finds;
        var fifth = await verifier.VerifyAsync(ApiKeyFormat.NewKey(), Client, CancellationToken.None);

        Assert.Equal((ApiKeyVerifier.Outcome.Throttled, KeyStateStandIn.ResetSeconds), (fourth.Outcome, fourth.RetryAfterSeconds));
        Assert.Equal((ApiKeyVerifier.Outcome.Throttled, KeyStateStandIn.ResetSeconds), (fifth.Outcome, fifth.RetryAfterSeconds));
        Assert.Equal(lookupsWhenThrottled, shared.Finds);
        // A key never seen by this process, but in the shared cache, verifies; a wrong secret for it does not.
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(good));
        Assert.Equal(ApiKeyVerifier.Outcome.Throttled, await OutcomeAsync(good[..^1] + (good[^1] == '0' ? '1' : '0')));
        // A revoked key in the shared cache is told it is refused (401), not to retry later (429).
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(revoked));
        Assert.Equal(ApiKeyVerifier.Outcome.Refused,
            (await verifier.VerifyAsync(ApiKeyFormat.NewKey(), IPAddress.Parse("127.0.0.10"), CancellationToken.None)).Outcome);

        time.Advance(TimeSpan.FromSeconds(KeyStateStandIn.ResetSeconds));
        shared.ResetFailures();
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync(ApiKeyFormat.NewKey()));
    }

    [Fact]
    public async Task An_ipv6_client_counts_its_failures_per_64_so_new_addresses_in_it_gain_nothing()
    {
        // Documentation addresses (RFC 3849): nothing is sent to them.
        for (var i = 1; i <= 3; i++)
        {
            var address = IPAddress.Parse($"2001:db8:1:2::{i:x}");
            Assert.Equal(ApiKeyVerifier.Outcome.Refused, (await verifier.VerifyAsync(ApiKeyFormat.NewKey(), address, CancellationToken.None)).Outcome);
        }

        var fromAnotherAddressInIt = await verifier.VerifyAsync(ApiKeyFormat.NewKey(), IPAddress.Parse("2001:db8:1:2:ffff::9"), CancellationToken.None);
        var lookups = shared.Finds;
        var throttledAtOnce = await verifier.VerifyAsync(ApiKeyFormat.NewKey(), IPAddress.Parse("2001:db8:1:2:aaaa::1"), CancellationToken.None);
        var fromTheNext64 = await verifier.VerifyAsync(ApiKeyFormat.NewKey(), IPAddress.Parse("2001:db8:1:3::1"), CancellationToken.None);

        Assert.Equal(ApiKeyVerifier.Outcome.Throttled, fromAnotherAddressInIt.Outcome);
        Assert.Equal(ApiKeyVerifier.Outcome.Throttled, throttledAtOnce.Outcome);
        Assert.Equal(lookups + 1, shared.Finds);
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, fromTheNext64.Outcome);
    }

    [Fact]
    public async Task A_key_that_cannot_be_looked_up_is_unavailable_not_refused()
    {
        var key = shared.Issue();
        shared.Down = true;

        Assert.Equal(ApiKeyVerifier.Outcome.Unavailable, await OutcomeAsync(key));
        // A bad key is refused all the same while failures cannot be counted.
        Assert.Equal(ApiKeyVerifier.Outcome.Refused, await OutcomeAsync("tos_bad"));

        shared.Down = false;
        Assert.Equal(ApiKeyVerifier.Outcome.Accepted, await OutcomeAsync(key));
    }

    [Fact]
    public async Task A_keys_service_that_cannot_be_reached_makes_the_key_unavailable()
    {
        var key = shared.Issue();
        shared.Failure = new HttpRequestException("Connection refused");

        Assert.Equal(ApiKeyVerifier.Outcome.Unavailable, await OutcomeAsync(key));
    }

    [Fact]
    public async Task A_caller_that_gave_up_is_not_answered_as_an_outage()
    {
        var key = shared.Issue();
        shared.Down = true;
        using var gaveUp = new CancellationTokenSource();
        await gaveUp.CancelAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => verifier.VerifyAsync(key, Client, gaveUp.Token));
    }

    [Fact]
    public async Task Use_is_noted_at_most_once_per_interval()
    {
        var key = shared.Issue();
        await OutcomeAsync(key);
        await OutcomeAsync(key);
        time.Advance(TimeSpan.FromSeconds(10));
        await OutcomeAsync(key);

        Assert.Equal(2, shared.Notes);
    }

    [Fact]
    public async Task Every_verdict_is_counted_by_outcome()
    {
        using var collector = new MetricCollector<long>(meters, "TrustedOss.Gateway", "trustedoss.api_key.verifications");
        var key = shared.Issue();
        await OutcomeAsync(key);
        await OutcomeAsync("tos_bad");

        var outcomes = collector.GetMeasurementSnapshot().Select(m => m.Tags["outcome"]).ToList();
        Assert.Equal(["accepted", "refused"], outcomes);
    }

    public void Dispose()
    {
        cache.Dispose();
        meters.Dispose();
    }

    private async Task<ApiKeyVerifier.Outcome> OutcomeAsync(string key) =>
        (await verifier.VerifyAsync(key, Client, CancellationToken.None)).Outcome;

    /// <summary>
    /// Records what the verifier asks of the shared state. Every issued key's entry is in the shared
    /// cache, as the Keys service writes it at creation; <see cref="Finds"/> counts full lookups.
    /// </summary>
    /// <summary>A cache that announces a change of the key just as a key's entry is being kept (after the lookup's first check).</summary>
    private sealed class AnnouncingCache(IMemoryCache inner, Action revoke) : IMemoryCache
    {
        private bool announced;

        public ApiKeyVerifier? Verifier { get; set; }

        public ICacheEntry CreateEntry(object key)
        {
            if (!announced && key is string name && name.StartsWith("key:", StringComparison.Ordinal))
            {
                announced = true;
                revoke();
                // The announcement reaches this verifier too, whose entry is not kept yet.
                Verifier?.Forget(name["key:".Length..]);
            }

            return inner.CreateEntry(key);
        }

        public void Remove(object key) => inner.Remove(key);

        public bool TryGetValue(object key, out object? value) => inner.TryGetValue(key, out value);

        public void Dispose()
        {
        }
    }
}
