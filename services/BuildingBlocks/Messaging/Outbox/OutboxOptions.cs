using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Messaging.Outbox;

public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>How often the relay looks for messages it was not told about (another replica's, or after a failure).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How long a batch may take to be published and confirmed. Past it the messages not yet
    /// confirmed are given up and sent again (their rows are kept), so a publish that never
    /// completes cannot stop the relay.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The message types this service may publish, by name (filled by <c>AddOutbox</c>).</summary>
    internal Dictionary<string, Type> MessageTypes { get; } = [];
}
