using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Gateway.Authentication;
using TrustedOss.Gateway.Identity;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Benchmarks;

/// <summary>
/// The gateway's per-request cost for an API key when its entry is in the in-process cache (the
/// common case): format check, cache hit, keyed hash, constant-time compare, expiry; then signing
/// the identity forwarded to the service. Baseline: the format check alone.
/// </summary>
[MemoryDiagnoser]
public class KeyVerificationBenchmarks
{
    private readonly string key = ApiKeyFormat.NewKey();
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private ApiKeyVerifier verifier = null!;
    private IdentitySigner signer = null!;
    private IdentityVerifier identityVerifier = null!;
    private CallerIdentity caller = null!;
    private string signed = "";
    private readonly ECDsa ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private byte[] claims = [];
    private byte[] ecdsaSignature = [];

    [GlobalSetup]
    public void Setup()
    {
        var keyOptions = new ApiKeyOptions { Pepper = "benchmark-pepper-benchmark-pepper-xx" };
        var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 100_000, Clock = new TimeProviderClock(time) });
        // The shared state (Redis, the Keys service) is only reached on a miss or for a usage note;
        // this run has neither (entry pre-cached, usage already noted), which the first call below checks.
        verifier = new ApiKeyVerifier(cache, shared: null!, Options.Create(keyOptions),
            Options.Create(new ApiKeyVerifierOptions { LocalCacheLifetime = TimeSpan.FromDays(1), UsageNoteInterval = TimeSpan.FromDays(1) }),
            new GatewayMetrics(new NoMeters()), time);
        var prefix = key[..ApiKeyFormat.PrefixLength];
        var entry = new VerifiedApiKey(Guid.NewGuid(), prefix, keyOptions.Hash(key), "project", "read_write", Guid.NewGuid(), Guid.NewGuid(),
            Guid.NewGuid(), null, Revoked: false, Version: 1);
        cache.Set($"key:{prefix}", entry, new MemoryCacheEntryOptions { Size = 1 });
        cache.Set($"usage:{entry.Id}", true, new MemoryCacheEntryOptions { Size = 1 });

        var scansKey = IdentityKey.New();
        signer = new IdentitySigner(Options.Create(new IdentitySigningOptions
        {
            Audiences = [new AudienceKey { Name = "scans", Key = scansKey }, new AudienceKey { Name = IdentitySigner.DelegatedAudience, Key = IdentityKey.New() }],
        }), time);
        identityVerifier = new IdentityVerifier(Options.Create(new IdentityOptions { Key = scansKey }), time);
        caller = new CallerIdentity(CallerIdentity.ApiKey, entry.IssuerUserId, entry.Id, entry.Scope, entry.TeamId, entry.ProjectId, entry.PermissionBreadth, "127.0.0.1");
        signed = signer.Sign(caller, Binding);
        claims = System.Text.Encoding.ASCII.GetBytes(signed.Split('.')[1]);
        ecdsaSignature = ecdsa.SignData(claims, HashAlgorithmName.SHA256);
        if (VerifyCacheHit().Result != ApiKeyVerifier.Outcome.Accepted)
        {
            throw new InvalidOperationException("The benchmark key must verify.");
        }
    }

    private static readonly IdentityBinding Binding = new("scans", "GET", "/v1/scans/0190a2b4-0000-7000-8000-000000000000", "9f86d081884c7d659a2feaa0c55ad015");

    [Benchmark(Baseline = true)]
    public bool FormatCheckOnly() => ApiKeyFormat.TryParse(key, out _);

    [Benchmark]
    public async Task<ApiKeyVerifier.Outcome> VerifyCacheHit() => (await verifier.VerifyAsync(key, null, CancellationToken.None)).Outcome;

    [Benchmark]
    public string SignForwardedIdentity() => signer.Sign(caller, Binding);

    /// <summary>What each service pays to trust the forwarded identity.</summary>
    [Benchmark]
    public VerifiedIdentity? VerifyForwardedIdentity() => identityVerifier.Verify(signed);

    /// <summary>For comparison: an ECDSA P-256 signature over the same claims (the earlier design).</summary>
    [Benchmark]
    public byte[] EcdsaSignReference() => ecdsa.SignData(claims, HashAlgorithmName.SHA256);

    /// <summary>For comparison: verifying that signature.</summary>
    [Benchmark]
    public bool EcdsaVerifyReference() => ecdsa.VerifyData(claims, ecdsaSignature, HashAlgorithmName.SHA256);

    [GlobalCleanup]
    public void Cleanup() => ecdsa.Dispose();

    /// <summary>Meters that go nowhere: the benchmark measures verification, not metric export.</summary>
    private sealed class NoMeters : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
