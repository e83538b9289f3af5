using TrustedOss.Data;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>Many callers' writes to one transaction: batching, each caller's own answer, and failures.</summary>
public sealed class GroupCommitTests
{
    private static readonly string[] Queued = ["b", "repeat-c", "d", "e", "repeat-f"];

    private readonly List<string[]> batches = [];
    private readonly List<int> sizes = [];
    private readonly TaskCompletionSource firstBatchMayFinish = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource firstBatchStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task A_lone_item_is_written_at_once_and_its_caller_told_whether_it_was_new()
    {
        var commits = Commits(maxBatch: 10, holdFirstBatch: false);
        using var stop = new CancellationTokenSource();
        var running = commits.RunAsync(stop.Token);

        Assert.True(await commits.StoreAsync("new"));
        Assert.False(await commits.StoreAsync("repeat"));

        Assert.Equal([["new"], ["repeat"]], batches);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Items_arriving_while_a_batch_is_written_go_together_in_the_next_up_to_the_limit_each_with_its_own_answer()
    {
        var commits = Commits(maxBatch: 3, holdFirstBatch: true);
        using var stop = new CancellationTokenSource();
        var running = commits.RunAsync(stop.Token);

        var first = commits.StoreAsync("a");
        await firstBatchStarted.Task;
        var waiting = Queued.Select(item => (item, commits.StoreAsync(item))).ToList();
        firstBatchMayFinish.SetResult();

        Assert.True(await first);
        foreach (var (item, stored) in waiting)
        {
            Assert.Equal(!item.StartsWith("repeat", StringComparison.Ordinal), await stored);
        }

        Assert.Equal([["a"], ["b", "repeat-c", "d"], ["e", "repeat-f"]], batches);
        Assert.Equal([1, 3, 2], sizes);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_refused_batch_is_written_item_by_item_and_only_the_item_at_fault_fails()
    {
        var refusals = new List<int>();
        var commits = Commits(maxBatch: 10, holdFirstBatch: true, refused: size => refusals.Add(size));
        using var stop = new CancellationTokenSource();
        var running = commits.RunAsync(stop.Token);

        var first = commits.StoreAsync("a");
        await firstBatchStarted.Task;
        var good = commits.StoreAsync("b");
        var bad = commits.StoreAsync("refused");
        var repeat = commits.StoreAsync("repeat-c");
        firstBatchMayFinish.SetResult();

        Assert.True(await first);
        Assert.True(await good);
        Assert.False(await repeat);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal([3], refusals);
        Assert.Equal([["a"], ["b", "refused", "repeat-c"], ["b"], ["refused"], ["repeat-c"]], batches);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task An_outage_fails_every_item_of_its_batch_without_trying_them_one_by_one()
    {
        var commits = Commits(maxBatch: 10, holdFirstBatch: true);
        using var stop = new CancellationTokenSource();
        var running = commits.RunAsync(stop.Token);

        var first = commits.StoreAsync("a");
        await firstBatchStarted.Task;
        var down = new[] { commits.StoreAsync("b"), commits.StoreAsync("outage"), commits.StoreAsync("c") };
        firstBatchMayFinish.SetResult();

        Assert.True(await first);
        foreach (var stored in down)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => stored);
        }

        Assert.Equal(2, batches.Count);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Items_waiting_when_it_stops_are_still_written_and_later_ones_are_written_alone()
    {
        var commits = Commits(maxBatch: 10, holdFirstBatch: true);
        using var stop = new CancellationTokenSource();
        var running = commits.RunAsync(stop.Token);

        var first = commits.StoreAsync("a");
        await firstBatchStarted.Task;
        var waiting = new[] { commits.StoreAsync("b"), commits.StoreAsync("c") };
        await stop.CancelAsync();
        firstBatchMayFinish.SetResult();
        await running;

        Assert.True(await first);
        var answers = await Task.WhenAll(waiting);
        Assert.Equal([true, true], answers);
        Assert.True(await commits.StoreAsync("d"));
        Assert.Equal([["a"], ["b", "c"], ["d"]], batches);
        // Written alone, none of them waits in the queue, so none counts against it.
        foreach (var later in Enumerable.Range(0, 40))
        {
            Assert.True(await commits.StoreAsync($"later-{later}"));
        }
    }

    [Fact]
    public async Task A_caller_that_gives_up_before_its_item_is_taken_into_a_batch_takes_it_back()
    {
        var commits = Commits(maxBatch: 10, holdFirstBatch: true);
        using var stop = new CancellationTokenSource();
        var running = commits.RunAsync(stop.Token);

        var first = commits.StoreAsync("a");
        await firstBatchStarted.Task;
        using var givenUp = new CancellationTokenSource();
        var withdrawn = commits.StoreAsync("b", givenUp.Token);
        var kept = commits.StoreAsync("c", CancellationToken.None);
        await givenUp.CancelAsync();
        firstBatchMayFinish.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        Assert.True(await first);
        Assert.True(await kept);
        Assert.Equal([["a"], ["c"]], batches);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task With_four_batches_waiting_the_next_caller_is_refused_at_once_as_an_outage_until_one_gives_up()
    {
        var commits = Commits(maxBatch: 2, holdFirstBatch: true);
        using var stop = new CancellationTokenSource();
        var running = commits.RunAsync(stop.Token);

        var first = commits.StoreAsync("a");
        await firstBatchStarted.Task;
        var waiting = Enumerable.Range(0, 7).Select(i => commits.StoreAsync($"w{i}")).ToList();
        using var givenUp = new CancellationTokenSource();
        var withdrawn = commits.StoreAsync("given up", givenUp.Token);
        var refused = commits.StoreAsync("one too many");

        Assert.True(refused.IsFaulted);
        await Assert.ThrowsAsync<TimeoutException>(() => refused);
        // The queue still holds the item its caller took back, but it no longer counts.
        await givenUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        var inItsPlace = commits.StoreAsync("in its place");
        firstBatchMayFinish.SetResult();

        Assert.True(await first);
        Assert.All(await Task.WhenAll(waiting), Assert.True);
        Assert.True(await inItsPlace);
        Assert.DoesNotContain(batches, batch => batch.Contains("one too many") || batch.Contains("given up"));
        await stop.CancelAsync();
        await running;
    }

    /// <summary>
    /// Items named "repeat…" were stored before; a batch holding "refused" is refused by the
    /// database; one holding "outage" meets a database that does not answer. The first batch can
    /// be held until the test lets it finish, so that others queue behind it.
    /// </summary>
    private GroupCommit<string> Commits(int maxBatch, bool holdFirstBatch, Action<int>? refused = null) =>
        new(async (items, _) =>
        {
            lock (batches)
            {
                batches.Add([.. items]);
            }

            if (firstBatchStarted.TrySetResult() && holdFirstBatch)
            {
                await firstBatchMayFinish.Task;
            }

            return items.Contains("outage") ? throw new TimeoutException()
                : items.Contains("refused") ? throw new InvalidOperationException("refused")
                : [.. items.Select(item => !item.StartsWith("repeat", StringComparison.Ordinal))];
        }, ex => ex is TimeoutException, maxBatch)
        {
            Writing = sizes.Add,
            Refused = (_, size) => refused?.Invoke(size),
        };
}
