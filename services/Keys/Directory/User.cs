using System.Reflection;

namespace TrustedOss.Keys.Directory;

public sealed record UserRow(Guid Id, string Email, string FullName, string PasswordHash, bool IsSuperuser, bool IsActive, DateTime CreatedAt);

public sealed record Membership(Guid TeamId, string TeamName, string Role);

/// <summary>
/// The signed-in person with their memberships, found for each request by the
/// <see cref="DirectoryPolicies.ActiveUser"/> policy, and bound from it as a handler parameter.
/// </summary>
public sealed record CurrentUser(UserRow User, IReadOnlyList<Membership> Memberships)
{
    public Guid Id => User.Id;

    public bool IsSuperuser => User.IsSuperuser;

    public string? RoleIn(Guid? teamId) => Memberships.FirstOrDefault(m => m.TeamId == teamId)?.Role;

    /// <summary>Super admins may do everything; others need at least <paramref name="role"/> in the team.</summary>
    public bool Has(string role, Guid? teamId) => IsSuperuser || Roles.AtLeast(RoleIn(teamId), role);

    public Guid[] TeamIds => [.. Memberships.Select(m => m.TeamId)];

    public static ValueTask<CurrentUser?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Features.Get<CurrentUser>());
}
