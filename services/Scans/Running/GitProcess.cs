using System.Diagnostics;
using System.Text;

namespace TrustedOss.Scans.Running;

/// <summary>
/// Runs one git command with bounds: its output is read up to a limit (a hostile server cannot
/// fill the runner's memory), its error text up to a few kilobytes (for the log only), and it is
/// killed with its children when the time is up or the scan is cancelled.
/// </summary>
public static class GitProcess
{
    private const int ErrorBytes = 4096;
    private const int NiceCouldNotRun = 125;
    private const int NiceFoundNoCommand = 127;

    /// <summary>How long a killed git is waited for.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    public sealed record Result(int ExitCode, ReadOnlyMemory<byte> Output, string Error)
    {
        public string Text => Encoding.UTF8.GetString(Output.Span);
    }

    /// <summary>
    /// Runs git; <paramref name="input"/>, when given, is written to its standard input, which is then
    /// closed. <paramref name="expectedOutputBytes"/>, when known, sizes the output's buffer at once:
    /// an answer of that size (the manifests, up to hundreds of megabytes) is then held once, not
    /// grown by doubling and copied.
    /// </summary>
    public static async Task<Result> RunAsync(ProcessStartInfo start, int maxOutputBytes, TimeSpan timeout, CancellationToken cancellationToken,
        string? input = null, int expectedOutputBytes = 0)
    {
        start.RedirectStandardInput = input is not null;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started.");
        try
        {
            var output = ReadAsync(process.StandardOutput.BaseStream, maxOutputBytes, expectedOutputBytes, drainRest: false, deadline.Token);
            var error = ReadAsync(process.StandardError.BaseStream, ErrorBytes, 0, drainRest: true, deadline.Token);
            // Written while the output is read, so neither side can block on a full pipe.
            var writing = input is null ? Task.CompletedTask : WriteAsync(process, input, deadline.Token);
            var (outputBytes, outputComplete) = await output;
            if (!outputComplete)
            {
                throw new ScanFailedException(ScanError.AnswerTooLarge);
            }

            await writing;
            var (errorBytes, _) = await error;
            await process.WaitForExitAsync(deadline.Token);
            if (process.ExitCode is >= NiceCouldNotRun and <= NiceFoundNoCommand)
            {
                // nice could not start git (missing, not executable): this server's fault, as a failed
                // start would be, never the repository's. git itself never exits with these.
                throw new InvalidOperationException($"{start.FileName} could not run git (exit {process.ExitCode}): {Encoding.UTF8.GetString(errorBytes.Span).Trim()}");
            }

            return new Result(process.ExitCode, outputBytes, Encoding.UTF8.GetString(errorBytes.Span));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ScanFailedException(ScanError.Timeout(timeout));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                // Killing only signals: git may still be writing into the scan's work folder,
                // which the caller removes next. A git that outlives this wait is left to the
                // reaper's sweep of abandoned work folders.
                using var exited = new CancellationTokenSource(KillWait);
                try
                {
                    await process.WaitForExitAsync(exited.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>Writes the input and closes it; git exiting early (a broken pipe) is its answer, not an error here.</summary>
    private static async Task WriteAsync(Process process, string input, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Keeps up to <paramref name="limit"/> bytes; whether the stream ended within it. Past the limit
    /// either the reading stops (the caller kills git) or, with <paramref name="drainRest"/>, the
    /// rest is read and dropped, so git never blocks on a full pipe. The bytes are the buffer's own,
    /// not a copy.
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Bytes, bool Complete)> ReadAsync(Stream stream, int limit, int expected, bool drainRest,
        CancellationToken cancellationToken)
    {
        using var kept = new MemoryStream(Math.Clamp(expected, 0, limit));
        var buffer = new byte[8192];
        var complete = true;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var room = limit - (int)kept.Length;
            kept.Write(buffer, 0, Math.Clamp(room, 0, read));
            if (read > room)
            {
                complete = false;
                if (!drainRest)
                {
                    break;
                }
            }
        }

        return (kept.GetBuffer().AsMemory(0, (int)kept.Length), complete);
    }
}
