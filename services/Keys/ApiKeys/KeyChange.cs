using System.Text.Json;
using System.Text.Json.Nodes;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>
/// One change to an existing key (revoke, narrow), bound as a single handler parameter: who asks,
/// which key, and what the change needs. <see cref="ApplyAsync"/> does what every such change does.
/// </summary>
internal sealed record KeyChange(
    Guid KeyId, CurrentUser User, CallerIdentity Caller, HttpContext Http, ApiKeyStore Keys, ApiKeyCache Cache, KeyRowChanges Rows,
    AuditedChanges Changes)
{
    /// <summary>
    /// Checks the user may manage the key (not visible: 404; visible but neither super admin, issuer
    /// nor team_admin of its team: 403), runs <paramref name="change"/> in an audited transaction,
    /// records its diff when it changed something (a repeat changes, and records, nothing), drops
    /// every replica's copy of its row and rewrites the key's entry for every gateway. Returns the refusal, or null when done.
    /// </summary>
    public async Task<ApiProblem?> ApplyAsync(Func<AuditedTransaction, Task<object?>> change)
    {
        var key = await Keys.GetVisibleAsync(KeyId, User, Http.RequestAborted);
        if (key is null)
        {
            return ApiProblems.NotFound("API Key Not Found", $"No API key {KeyId} is visible to you.");
        }

        if (!(User.IsSuperuser || key.CreatedByUserId == User.Id || (key.TeamId is { } team && User.RoleIn(team) == Roles.TeamAdmin)))
        {
            return ApiProblems.Forbidden("Only the issuer, a team_admin of the key's team or a super admin manages this key.");
        }

        await using (var transaction = await Changes.BeginAsync(Caller, Http))
        {
            if (await change(transaction) is { } diff)
            {
                await transaction.RecordAsync("api_keys", KeyId, "update", key.TeamId, Naming(key.Name, key.KeyPrefix, diff));
                await transaction.CacheStaleAsync(new ApiKeyCacheStale(key.KeyPrefix, null));
            }

            await transaction.CommitAsync();
        }

        // Both at once: the gateways' refusal of a revoked key waits for nothing else.
        await Task.WhenAll(Rows.Announce(KeyId), Cache.RefreshAfterCommitAsync(new ApiKeyCacheStale(key.KeyPrefix, null), Http.RequestAborted));
        return null;
    }

    /// <summary>The change with the key's name and prefix first, so a reader of the log knows which key it was.</summary>
    private static JsonObject Naming(string name, string keyPrefix, object diff)
    {
        var named = new JsonObject { ["name"] = name, ["key_prefix"] = keyPrefix };
        foreach (var (field, value) in JsonSerializer.SerializeToNode(diff, ApiJson.Options)!.AsObject())
        {
            named[field] = value?.DeepClone();
        }

        return named;
    }
}
