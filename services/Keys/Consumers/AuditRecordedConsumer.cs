using MassTransit;
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
        var appended = valid.Count == 0 ? 0 : await audit.AppendAllAsync(valid, context.CancellationToken);
        if (appended < valid.Count)
        {
            logger.LogInformation("{Count} of a batch's {Total} audit rows were appended before", valid.Count - appended, valid.Count);
        }

        if (valid.Count < rows.Count)
        {
            // The good rows are in the log; the message goes to the error queue for the rest (appending it again adds nothing twice).
            throw new InvalidMessageException($"{rows.Count - valid.Count} of the batch's {rows.Count} audit rows lack an id, a target table and id, or an action.");
        }
    }

    private static AuditRecorded Valid(AuditRecorded row) =>
        IsValid(row) ? row : throw new InvalidMessageException("AuditRecorded needs an id, a target table and id, and an action.");

    private static bool IsValid(AuditRecorded? row) =>
        row is not null && row.Id != Guid.Empty && row.TargetId != Guid.Empty && !string.IsNullOrWhiteSpace(row.TargetTable)
        && !string.IsNullOrWhiteSpace(row.Action);
}
