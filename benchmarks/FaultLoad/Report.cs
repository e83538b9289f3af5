using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;
using TrustedOss.AppHost;

namespace TrustedOss.FaultLoad;

/// <summary>What the clients saw around each restart, and what became of the triggers.</summary>
internal static class Report
{
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    public static void Print(IReadOnlyList<Restart> restarts, IReadOnlyList<Answer> answers, TimeSpan watchedFor)
    {
        Console.WriteLine();
        Console.WriteLine("| server | down | polls answered 200 a second before | while down: 200 / 503 with Retry-After / anything else | after its return: 200 / 503 with Retry-After / anything else | first second at 90 % of the polls before, from its return |");
        Console.WriteLine("|---|---:|---:|---|---|---:|");
        foreach (var restart in restarts)
        {
            var before = answers.Count(a => !a.Trigger && a.Status == 200 && a.At >= restart.Stopped - Before && a.At < restart.Stopped) / Before.TotalSeconds;
            var down = answers.Where(a => a.At >= restart.Stopped && a.At < restart.Back).ToList();
            var after = answers.Where(a => a.At >= restart.Back && a.At < restart.Back + watchedFor).ToList();
            var recovered = Recovery(answers, restart.Back, watchedFor, before);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {restart.Server} | {(restart.Back - restart.Stopped).TotalSeconds:0.0} s | {before:N0} | {Counts(down)} | {Counts(after)} | {(recovered is { } r ? $"{r.TotalSeconds:0.00} s" : $"none within {watchedFor.TotalSeconds:0} s")} |"));
        }

        var unexpected = answers.Where(a => !Expected(a)).GroupBy(a => (a.Trigger ? "trigger" : "poll", a.Status, a.RetryAfter)).ToList();
        Console.WriteLine(unexpected.Count == 0
            ? "Every answer of the whole run was a 200, or a 503 with Retry-After."
            : "Other answers: " + string.Join(", ", unexpected.Select(g => $"{g.Key.Item1} {(g.Key.Status == 0 ? "no answer" : g.Key.Status)}{(g.Key.RetryAfter ? " with Retry-After" : "")}: {g.Count()}")));
    }

    public static async Task PrintTriggersAsync(DistributedApplication app, Guid projectId, Guid preparedScanId, IReadOnlyList<Guid> accepted, IReadOnlyList<Answer> answers)
    {
        await using var db = NpgsqlDataSource.Create((await app.GetConnectionStringAsync(ResourceNames.ScansDatabase))!);
        var unanswered = answers.Count(a => a.Trigger && a.Status == 0);
        var stored = await ScansAsync(db, projectId);
        var missing = accepted.Count(id => !stored.ContainsKey(id));
        // Besides the preparation's scan, only a trigger that got no answer may have made one.
        var acceptedIds = accepted.ToHashSet();
        var extra = stored.Keys.Count(id => id != preparedScanId && !acceptedIds.Contains(id));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Triggers: {accepted.Count:N0} answered 200 ({accepted.Distinct().Count():N0} distinct scan ids), {unanswered} got no answer; the project holds {stored.Count - 1:N0} triggered scans: {missing} accepted and missing, {extra} not answered 200 (at most {unanswered} expected)."));

        // Every accepted scan runs to its end once the runner has caught up.
        var deadline = DateTimeOffset.UtcNow.AddMinutes(3);
        while (stored.Values.Any(s => s is "queued" or "running") && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            stored = await ScansAsync(db, projectId);
        }

        var ended = accepted.Count(id => stored.GetValueOrDefault(id) is "succeeded" or "failed");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Of the accepted scans, {ended:N0} ran to their end (succeeded or failed), {accepted.Count - ended} did not within three minutes after the load."));
        if (ended < accepted.Count)
        {
            // Where the rest wait: still in the Scan service's outbox, or published and not consumed.
            await using var outbox = db.CreateCommand("SELECT count(*) FROM outbox_messages");
            var queued = stored.Values.Count(s => s == "queued");
            var waiting = (long)(await outbox.ExecuteScalarAsync())!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Still queued: {queued:N0}; messages in the Scan service's outbox: {waiting:N0}."));
        }
    }

    /// <summary>A 200, or a 503 that says when to retry: all a client should ever see during a restart.</summary>
    private static bool Expected(Answer answer) => answer.Status == 200 || (answer.Status == 503 && answer.RetryAfter);

    private static string Counts(IReadOnlyList<Answer> answers) => string.Create(CultureInfo.InvariantCulture,
        $"{answers.Count(a => a.Status == 200):N0} / {answers.Count(a => a.Status == 503 && a.RetryAfter):N0} / {answers.Count(a => !Expected(a)):N0}");

    /// <summary>
    /// How long after the return the first one-second window began (in steps of 250 ms) whose polls
    /// reached 90 % of their rate before the stop: 0 when the first second after the return already did.
    /// </summary>
    private static TimeSpan? Recovery(IReadOnlyList<Answer> answers, TimeSpan back, TimeSpan watchedFor, double perSecondBefore)
    {
        for (var start = back; start + Window <= back + watchedFor; start += Step)
        {
            var served = answers.Count(a => !a.Trigger && a.Status == 200 && a.At >= start && a.At < start + Window);
            if (served >= 0.9 * perSecondBefore * Window.TotalSeconds)
            {
                return start - back;
            }
        }

        return null;
    }

    private static async Task<Dictionary<Guid, string>> ScansAsync(NpgsqlDataSource db, Guid projectId)
    {
        await using var command = db.CreateCommand("SELECT id, status FROM scans WHERE project_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = projectId });
        await using var reader = await command.ExecuteReaderAsync();
        var scans = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            scans[reader.GetGuid(0)] = reader.GetString(1);
        }

        return scans;
    }
}
