namespace TrustedOss.Keys.Projects;

/// <summary>A repository a team scans (CONTRACT §1).</summary>
public sealed record Project(Guid Id, Guid TeamId, string Name, string GitUrl, DateTime CreatedAt);
