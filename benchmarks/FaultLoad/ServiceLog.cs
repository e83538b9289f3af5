using Microsoft.Extensions.Logging;

namespace TrustedOss.FaultLoad;

/// <summary>
/// The services' and servers' console output (the AppHost's resource log categories), written to a
/// file rather than the console, where it would drown the report; kept after the run to explain
/// any answer the report counts as unexpected.
/// </summary>
internal sealed class ServiceLog(string path) : ILoggerProvider
{
    public const string Categories = "TrustedOss.AppHost.Resources";

    private readonly StreamWriter writer = new(path, append: false) { AutoFlush = true };
    private readonly Lock gate = new();

    public string Path => path;

    public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName);

    public void Dispose() => writer.Dispose();

    private sealed class Writer(ServiceLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith(Categories, StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            lock (log.gate)
            {
                log.writer.WriteLine($"{category[(Categories.Length + 1)..]}: {formatter(state, exception)}");
            }
        }
    }
}
