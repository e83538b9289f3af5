namespace TrustedOss.Keys.ApiKeys;

/// <summary>
/// A committed change made gateway cache entries stale: one key's (<see cref="Prefix"/>) or every
/// key an issuer issued (<see cref="IssuerUserId"/>). Sent to this service itself through the
/// outbox in the change's transaction, so the entries are rewritten even when Redis was out at
/// the moment of the change.
/// </summary>
public sealed record ApiKeyCacheStale(string? Prefix, Guid? IssuerUserId);
