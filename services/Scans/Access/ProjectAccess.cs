namespace TrustedOss.Scans.Access;

/// <summary>The Keys service's answer: what the caller may do with a project (and where its code lives).</summary>
public sealed record ProjectAccess(Guid ProjectId, Guid TeamId, string GitUrl, bool Visible, bool CanRead, bool CanTrigger);
