namespace TrustedOss.Access;

/// <summary>
/// The Keys service's answer about one project for the current caller: where its code lives, and
/// whether the caller sees it, may read its scans, trigger scans, and manage its settings (webhooks).
/// </summary>
public sealed record ProjectAccess(
    Guid ProjectId, Guid TeamId, string GitUrl, bool Visible, bool CanRead, bool CanTrigger, bool CanManage);
