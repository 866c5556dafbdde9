using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Bench.Micro;

/// <summary>Adds a "transitions/s" column (1 / mean per operation) to benchmarks whose operation is one commit.</summary>
public sealed class TransitionsConfig : ManualConfig
{
    public TransitionsConfig() => AddColumn(new PerSecondColumn());

    private sealed class PerSecondColumn : IColumn
    {
        public string Id => "TransitionsPerSecond";

        public string ColumnName => "transitions/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "commits per second: 1 / mean time of one commit";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } stats
                ? (1e9 / stats.Mean).ToString("N0", CultureInfo.InvariantCulture)
                : "-";
    }
}
