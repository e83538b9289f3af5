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
        var appended = await audit.AppendAllAsync([.. rows.Select(Valid)], context.CancellationToken);
        if (appended < rows.Count)
        {
            logger.LogInformation("{Count} of a batch's {Total} audit rows were appended before", rows.Count - appended, rows.Count);
        }
    }

    private static AuditRecorded Valid(AuditRecorded? row) =>
        row is null || row.Id == Guid.Empty || row.TargetId == Guid.Empty || string.IsNullOrWhiteSpace(row.TargetTable) || string.IsNullOrWhiteSpace(row.Action)
            ? throw new InvalidMessageException("AuditRecorded needs an id, a target table and id, and an action.")
            : row;
}
