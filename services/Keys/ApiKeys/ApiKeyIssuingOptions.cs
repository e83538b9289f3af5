using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Keys.ApiKeys;

public sealed class ApiKeyIssuingOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>Keys one person may have live (neither revoked nor expired) at once.</summary>
    [Range(1, 100_000)]
    public int MaxLiveKeysPerUser { get; set; } = 100;
}
