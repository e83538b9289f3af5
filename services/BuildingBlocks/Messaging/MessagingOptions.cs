using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Messaging;

/// <summary>How hard a consumer retries a failing message before it is moved to the error queue.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    /// <summary>Retries after the first attempt; then the message goes to <c>{queue}_error</c>.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retries while a dependency is down (the database, another service): these wait it out, for
    /// about ten minutes by default, instead of giving the message up after seconds.
    /// </summary>
    [Range(0, 1000)]
    public int OutageRetryLimit { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan OutageRetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);
}
