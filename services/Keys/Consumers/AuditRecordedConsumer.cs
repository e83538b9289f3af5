using MassTransit;
using Npgsql;
using TrustedOss.Contracts;
using TrustedOss.Keys.Data;
using TrustedOss.Messaging;

namespace TrustedOss.Keys.Consumers;

/// <summary>Appends the changes other services made to the one audit log, each exactly once, alone or in batches.</summary>
internal sealed class AuditRecordedConsumer(AuditedChanges audit, ILogger<AuditRecordedConsumer> logger)
    : IConsumer<AuditRecorded>, IConsumer<AuditBatchRecorded>
{
    public async Task Consume(ConsumeContext<AuditRecorded> context)
    {
        var row = Valid(context.Message);
        if (!await audit.AppendAsync(row, context.CancellationToken))
        {
            logger.LogInformation("Audit row {Id} was appended before", row.Id);
        }
    }

    public async Task Consume(ConsumeContext<AuditBatchRecorded> context)
    {
        var rows = context.Message.Rows ?? throw new InvalidMessageException("AuditBatchRecorded needs its rows.");
        var valid = rows.Where(IsValid).ToList();
        var (appended, refused) = (0, 0);
        try
        {
            appended = valid.Count == 0 ? 0 : await audit.AppendAllAsync(valid, context.CancellationToken);
        }
        catch (PostgresException ex) when (RefusedRow(ex))
        {
            // One row the database will not store (say, a NUL escaped in its diff, which jsonb
            // refuses) must not keep the batch's other rows out of the log: one at a time.
            (appended, refused) = await AppendOneAtATimeAsync(valid, context.CancellationToken);
        }

        if (appended < valid.Count - refused)
        {
            logger.LogInformation("{Count} of a batch's {Total} audit rows were appended before", valid.Count - refused - appended, valid.Count);
        }

        if (valid.Count - refused < rows.Count)
        {
            // The good rows are in the log; the message goes to the error queue for the rest (appending it again adds nothing twice).
            throw new InvalidMessageException($"{rows.Count - valid.Count + refused} of the batch's {rows.Count} audit rows lack an id, a target table "
                + "and id, an action or a diff, or hold what the database cannot store.");
        }
    }

    private async Task<(int Appended, int Refused)> AppendOneAtATimeAsync(List<AuditRecorded> rows, CancellationToken cancellationToken)
    {
        var (appended, refused) = (0, 0);
        foreach (var row in rows)
        {
            try
            {
                appended += await audit.AppendAsync(row, cancellationToken) ? 1 : 0;
            }
            catch (PostgresException ex) when (RefusedRow(ex))
            {
                refused++;
                logger.LogWarning("Audit row {Id} ({Table} {Action}) cannot be stored: {Reason}", row.Id, row.TargetTable, row.Action, ex.MessageText);
            }
        }

        return (appended, refused);
    }

    /// <summary>The row itself is at fault (SQLSTATE classes 22, data, and 23, a constraint): storing it again would fail again.</summary>
    private static bool RefusedRow(PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);

    private static AuditRecorded Valid(AuditRecorded row) =>
        IsValid(row) ? row : throw new InvalidMessageException("AuditRecorded needs an id, a target table and id, an action and a diff.");

    private static readonly string[] Actions = ["create", "update", "delete"];

    private static bool IsValid(AuditRecorded? row) =>
        row is not null && row.Id != Guid.Empty && row.TargetId != Guid.Empty && !string.IsNullOrWhiteSpace(row.TargetTable)
        && Actions.Contains(row.Action) && row.Diff is not null;
}
