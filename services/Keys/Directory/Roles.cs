namespace TrustedOss.Keys.Directory;

/// <summary>Team roles, weakest first: viewer &lt; developer &lt; team_admin (CONTRACT §1).</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Developer = "developer";
    public const string TeamAdmin = "team_admin";

    public static readonly string[] All = [Viewer, Developer, TeamAdmin];

    public static int Rank(string? role) => role switch
    {
        Viewer => 1,
        Developer => 2,
        TeamAdmin => 3,
        _ => 0,
    };

    public static bool AtLeast(string? role, string required) => Rank(role) >= Rank(required);
}
