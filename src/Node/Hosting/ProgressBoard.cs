namespace P2P.Node.Hosting;

/// <summary>
/// Running counts reported by the importer's or the walker's thread and sent by a sampling loop: kubo's add and pin
/// events over HTTP (<see cref="Api.ProgressLines"/>) and the same events on the local channel. A reporter only
/// records its latest count (a long, no allocation per report); <see cref="TakePending"/> turns each count that changed
/// since the last take into its line, in the order the reporters were made, so when one item after another finishes
/// between two ticks the first one's final count still goes out before the next one's.
/// </summary>
internal sealed class ProgressBoard
{
    /// <summary>Appended under its own lock; taken by one sender at a time.</summary>
    private readonly List<Reporter> _reporters = [];

    /// <summary>A new reporter whose count is sent as <paramref name="line"/>(count).</summary>
    public IProgress<long> Add(Func<long, object> line)
    {
        var reporter = new Reporter(line);
        lock (_reporters)
            _reporters.Add(reporter);
        return reporter;
    }

    /// <summary>The lines of the counts that changed since the last call. One caller at a time.</summary>
    public List<object> TakePending()
    {
        Reporter[] reporters;
        lock (_reporters)
            reporters = [.. _reporters];
        var lines = new List<object>();
        foreach (var reporter in reporters)
        {
            if (reporter.Take() is { } line)
                lines.Add(line);
        }
        return lines;
    }

    private sealed class Reporter(Func<long, object> line) : IProgress<long>
    {
        /// <summary>The latest count; -1 before the first report. Written by the reporting thread.</summary>
        private long _latest = -1;

        /// <summary>The count last taken; touched only by the one taking.</summary>
        private long _sent = -1;

        public void Report(long value) => Interlocked.Exchange(ref _latest, value);

        public object? Take()
        {
            var latest = Interlocked.Read(ref _latest);
            if (latest < 0 || latest == _sent)
                return null;
            _sent = latest;
            return line(latest);
        }
    }
}
