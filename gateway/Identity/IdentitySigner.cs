using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Identity;

/// <summary>One service's identity key: the gateway holds every service's, each service only its own.</summary>
public sealed class AudienceKey
{
    /// <summary>The service as the routes name it (its cluster).</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>Base64 of at least 32 random bytes; the service's <c>Identity:Key</c>.</summary>
    [Required]
    [IdentityKey(ErrorMessage = "Each Identity:Audiences key must be base64 of at least 32 bytes, padding included.")]
    public string Key { get; set; } = "";
}

public sealed class IdentitySigningOptions
{
    public const string SectionName = "Identity";

    /// <summary>Every service's identity key, one per cluster the routes lead to (checked at start).</summary>
    [MinLength(1, ErrorMessage = "Identity:Audiences must list every service's identity key.")]
    [ValidateEnumeratedItems]
    public List<AudienceKey> Audiences { get; set; } = [];

    /// <summary>How long a forwarded identity stays valid: long enough for one request and its calls.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Tags the caller the gateway verified, in the <see cref="ForwardedIdentity"/> format services
/// check: with the key of the service the identity is bound to, and with the key of the Keys
/// service, which answers the others on the caller's behalf (<see cref="DelegatedIdentityMetadata"/>).
/// </summary>
public sealed class IdentitySigner
{
    /// <summary>The one service other services ask on a caller's behalf, so every identity carries its tag too.</summary>
    public const string DelegatedAudience = "keys";

    /// <summary>The web page's cluster: its key vouches for browsers' addresses.</summary>
    public const string WebAudience = "web";

    private readonly Dictionary<string, byte[]> keys;

    /// <summary>For each audience, the keys its identities are tagged under: its own, then the Keys service's (once).</summary>
    private readonly Dictionary<string, byte[][]> tagKeys;
    private readonly TimeSpan lifetime;
    private readonly TimeProvider time;

    public IdentitySigner(IOptions<IdentitySigningOptions> options, TimeProvider time)
    {
        this.time = time;
        lifetime = options.Value.Lifetime;
        keys = options.Value.Audiences.ToDictionary(a => a.Name, a => IdentityKey.Decode(a.Key), StringComparer.Ordinal);
        tagKeys = keys.TryGetValue(DelegatedAudience, out var delegated)
            ? keys.ToDictionary(a => a.Key, a => a.Key == DelegatedAudience ? [delegated] : new[] { a.Value, delegated }, StringComparer.Ordinal)
            : [];
    }

    public string Sign(CallerIdentity caller, IdentityBinding binding)
    {
        var serviceKeys = tagKeys.TryGetValue(binding.Audience, out var found)
            ? found
            : throw new InvalidOperationException($"Identity:Audiences has no key for the service '{binding.Audience}', or none for '{DelegatedAudience}'.");
        return ForwardedIdentity.Create(caller, binding, time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds(), serviceKeys);
    }

    /// <summary>The web page's address in a browser's name, for the page to hand back on its API calls (see <see cref="ClientAddressAttestation"/>).</summary>
    public string AttestClientAddress(IPAddress address) => ClientAddressAttestation.Create(address, time.GetUtcNow(), KeyOf(WebAudience));

    /// <summary>The browser address a value from <see cref="AttestClientAddress"/> names, if it is one and still fresh.</summary>
    public IPAddress? AttestedClientAddress(string? value) =>
        keys.TryGetValue(WebAudience, out var key) ? ClientAddressAttestation.Verify(value, time.GetUtcNow(), key) : null;

    private byte[] KeyOf(string audience) =>
        keys.TryGetValue(audience, out var key) ? key : throw new InvalidOperationException($"Identity:Audiences has no key for the service '{audience}'.");
}
