using System.Text.Json;

namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// What a verified delivery says, read from the few payload fields that matter: which event it is,
/// whether it asks for a scan (and of which ref and commit), and the repository addresses that
/// name its project.
/// </summary>
public sealed record ProviderEvent(string EventType, bool Scans, string? Ref, string? CommitSha, IReadOnlyList<string> RepositoryUrls)
{
    private const string BranchPrefix = "refs/heads/";
    private const string NoCommit = "0000000000000000000000000000000000000000";

    private static readonly string[] GitHubRepositoryFields = ["clone_url", "ssh_url", "git_url", "html_url"];
    private static readonly string[] GitLabRepositoryFields = ["git_http_url", "git_ssh_url", "web_url"];
    private static readonly string[] GitHubScanningActions = ["opened", "synchronize", "reopened"];
    private static readonly string[] GitLabScanningActions = ["open", "reopen", "update"];

    /// <summary>
    /// The event <paramref name="provider"/>'s delivery says; null when a field it is read by holds
    /// a string that is not valid Unicode (an unpaired surrogate escape such as <c>"\ud800"</c>,
    /// which the JSON parser takes but no text can hold).
    /// </summary>
    public static ProviderEvent? Read(string provider, string eventName, JsonElement body)
    {
        try
        {
            return provider == WebhookProvider.GitHub ? FromGitHub(eventName, body) : FromGitLab(eventName, body);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// GitHub (CONTRACT §4 step 7): <c>push</c> (not a branch deletion) and <c>pull_request</c>
    /// opened, synchronize or reopened scan; everything else, <c>ping</c> included, is ignored.
    /// </summary>
    public static ProviderEvent FromGitHub(string eventName, JsonElement body)
    {
        var urls = Strings(body, "repository", GitHubRepositoryFields);
        switch (eventName)
        {
            case "push":
                var after = String(body, "after");
                return new ProviderEvent(eventName, after is not null && after != NoCommit, Branch(String(body, "ref")), after, urls);
            case "pull_request":
                var action = String(body, "action");
                var pull = Property(body, "pull_request");
                var head = Property(pull, "head");
                // A fork's branch is not in this repository (or is another branch of the same name):
                // GitHub keeps every pull request's head here as refs/pull/<number>/head.
                var fromFork = !SameText(String(Property(head, "repo"), "full_name"), String(Property(Property(pull, "base"), "repo"), "full_name"));
                var gitRef = fromFork && Number(pull, "number") is { } number ? $"refs/pull/{number}/head" : String(head, "ref");
                return new ProviderEvent($"{eventName}.{action}", action is not null && GitHubScanningActions.Contains(action),
                    gitRef, String(head, "sha"), urls);
            default:
                return new ProviderEvent(eventName, false, null, null, urls);
        }
    }

    /// <summary>
    /// GitLab: <c>Push Hook</c> (not a branch deletion) and <c>Merge Request Hook</c> open, reopen or
    /// update scan; everything else is ignored.
    /// </summary>
    public static ProviderEvent FromGitLab(string eventName, JsonElement body)
    {
        var urls = Strings(body, "project", GitLabRepositoryFields);
        switch (eventName)
        {
            case "Push Hook":
                var after = String(body, "checkout_sha") ?? String(body, "after");
                return new ProviderEvent(eventName, after is not null && after != NoCommit, Branch(String(body, "ref")), after, urls);
            case "Merge Request Hook":
                var request = Property(body, "object_attributes");
                var action = String(request, "action");
                var lastCommit = Property(request, "last_commit");
                // From a fork, the source branch is the fork's: GitLab keeps the request's head here
                // as refs/merge-requests/<iid>/head.
                var fromFork = Number(request, "source_project_id") is not { } source || source != Number(request, "target_project_id");
                var gitRef = fromFork && Number(request, "iid") is { } iid ? $"refs/merge-requests/{iid}/head" : String(request, "source_branch");
                return new ProviderEvent($"{eventName}.{action}", action is not null && GitLabScanningActions.Contains(action),
                    gitRef, String(lastCommit, "id"), urls);
            default:
                return new ProviderEvent(eventName, false, null, null, urls);
        }
    }

    /// <summary>"refs/heads/main" and "main" name one branch, as for API triggers; tags keep their full name.</summary>
    private static string? Branch(string? gitRef) =>
        gitRef?.StartsWith(BranchPrefix, StringComparison.Ordinal) == true && gitRef.Length > BranchPrefix.Length ? gitRef[BranchPrefix.Length..] : gitRef;

    /// <summary>The property of an object; nothing (an undefined element) when there is no object or no such property.</summary>
    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? String(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static long? Number(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) && number > 0 ? number : null;

    private static bool SameText(string? one, string? other) =>
        one is not null && other is not null && one.Equals(other, StringComparison.OrdinalIgnoreCase);

    private static string[] Strings(JsonElement body, string objectName, string[] fields)
    {
        var owner = Property(body, objectName);
        return [.. fields.Select(f => String(owner, f)).OfType<string>().Where(u => u.Length > 0)];
    }
}
