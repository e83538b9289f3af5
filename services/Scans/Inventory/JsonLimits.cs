namespace TrustedOss.Scans.Inventory;

/// <summary>Bounds on the JSON files an inventory reads.</summary>
internal static class JsonLimits
{
    /// <summary>Nesting deeper than this is refused as a warning: far beyond any real lock file, far below a stack's limit.</summary>
    public const int MaxDepth = 256;
}
