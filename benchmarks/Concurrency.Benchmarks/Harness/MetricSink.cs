using System.Globalization;
using System.Text;

namespace Concurrency.Benchmarks.Harness;

/// <summary>Collects the flat <c>{ "metric.name": number }</c> result of a suite run.</summary>
public sealed class MetricSink
{
    private readonly List<KeyValuePair<string, double>> _metrics = new();

    /// <summary>Records one metric; the name is kept exactly as later tools compare it.</summary>
    public void Add(string name, double value)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A metric needs a name.", nameof(name));
        }

        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Metric '{name}' must be a finite number.");
        }

        _metrics.Add(new(name, value));
        Console.WriteLine($"  {name,-48} {Format(value),16}");
    }

    public IReadOnlyList<KeyValuePair<string, double>> Metrics => _metrics;

    /// <summary>The metrics as one flat JSON object, numbers in invariant culture.</summary>
    public string ToJson()
    {
        var json = new StringBuilder("{\n");
        for (var i = 0; i < _metrics.Count; i++)
        {
            var (name, value) = (_metrics[i].Key, _metrics[i].Value);
            json.Append("  \"").Append(name.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\": ")
                .Append(value.ToString("R", CultureInfo.InvariantCulture))
                .Append(i + 1 < _metrics.Count ? ",\n" : "\n");
        }

        return json.Append("}\n").ToString();
    }

    /// <summary>Prints the metrics as a table.</summary>
    public void PrintTable(TextWriter writer)
    {
        writer.WriteLine($"{"metric",-48} {"value",16}");
        writer.WriteLine(new string('-', 65));
        foreach (var (name, value) in _metrics)
        {
            writer.WriteLine($"{name,-48} {Format(value),16}");
        }
    }

    private static string Format(double value) => value.ToString(value >= 1000 ? "N0" : "G5", CultureInfo.InvariantCulture);
}
