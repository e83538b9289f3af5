using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Keys.Auth;

/// <summary>The super admin created on first start, so someone can sign in and set up the rest.</summary>
public sealed class AdminBootstrapOptions
{
    public const string SectionName = "Bootstrap:Admin";

    /// <summary>The development default, written in the README; refused outside Development.</summary>
    public const string DevelopmentPassword = "trustedoss-admin";

    [Required]
    [EmailAddress]
    public string Email { get; set; } = "admin@trustedoss.local";

    [Required]
    [MinLength(8)]
    public string Password { get; set; } = DevelopmentPassword;

    [Required]
    public string FullName { get; set; } = "TrustedOSS Admin";
}

/// <summary>Refuses to start outside Development while the admin password is the published default.</summary>
public sealed class AdminBootstrapValidation(IHostEnvironment environment) : IValidateOptions<AdminBootstrapOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminBootstrapOptions options) =>
        !environment.IsDevelopment() && options.Password == AdminBootstrapOptions.DevelopmentPassword
            ? ValidateOptionsResult.Fail(
                $"{AdminBootstrapOptions.SectionName}:Password is the public development default; set a real one outside Development.")
            : ValidateOptionsResult.Success;
}

internal sealed class AdminBootstrap(
    DirectoryStore directory, IOptions<AdminBootstrapOptions> options, IPasswordHasher<UserRow> hasher, TimeProvider time, ILogger<AdminBootstrap> logger)
{
    /// <summary>Creates the configured super admin unless a user with that email exists (every replica may try).</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        var user = new UserRow(Guid.CreateVersion7(time.GetUtcNow()), admin.Email, admin.FullName, "", true, true, time.UtcNowForDatabase());
        // In the log like every other user, made by no one: the configuration made it at start.
        var audited = new AuditRecorded(Guid.CreateVersion7(time.GetUtcNow()), time.GetUtcNow(), ActorUserId: null, ActorApiKeyId: null, TeamId: null,
            "users", user.Id, "create", RequestId: "startup",
            JsonSerializer.Serialize(new { user.Email, user.FullName, user.IsSuperuser, password = AuditedTransaction.Redacted }, ApiJson.Options));
        if (await directory.TryCreateUserAsync(user with { PasswordHash = hasher.HashPassword(user, admin.Password) }, audited, cancellationToken))
        {
            logger.LogInformation("Created the first super admin {Email}", admin.Email);
        }
    }
}
