using System.Globalization;
using System.Text;
using P2P.Dht.Lookups;
using P2P.Dht.Simulation;

namespace P2P.Sim;

/// <summary>Measurements of one run and their table.</summary>
internal sealed class Report
{
    public List<double> Recall { get; } = [];
    public List<double> HonestRecall { get; } = [];
    public List<int> Rounds { get; } = [];
    public List<double> LatencyMs { get; } = [];
    public List<int> Requests { get; } = [];
    public List<double> PublishMs { get; } = [];
    public List<int> PublishStored { get; } = [];
    public List<double> ProviderMs { get; } = [];
    public int ProviderHits { get; set; }
    public int ProviderLookups { get; set; }
    public int ProviderKeysOfDead { get; set; }
    public int DeadProvidersReturned { get; set; }
    public int Killed { get; set; }
    public long TableEntries { get; set; }
    public long BackgroundRequests { get; set; }
    public long Events { get; set; }
    public double BuildSeconds { get; set; }
    public double WallSeconds { get; set; }
    public double PeakWorkingSetMiB { get; set; }
    public double ManagedHeapMiB { get; set; }
    public ValueWorkload? Values { get; set; }
    public long ValueFixUpRequests { get; set; }

    public void Add(LookupResult result, double recall, double honestRecall)
    {
        Recall.Add(recall);
        HonestRecall.Add(honestRecall);
        Rounds.Add(result.Rounds);
        LatencyMs.Add(result.Elapsed.TotalMilliseconds);
        Requests.Add(result.Requests);
    }

    public string ToTable(SimSettings s)
    {
        var log2 = (int)Math.Ceiling(Math.Log2(s.Nodes));
        var b = new StringBuilder();
        b.AppendLine(Invariant($"N = {s.Nodes}, seed {s.Seed}, RTT {s.RttMs} ms, dead {s.Dead:P0} ({Killed} killed), adversaries {s.Adversaries:P0} ({s.AdversaryMode}), k = {s.K}, α = {s.Alpha}, β = {s.Beta}, disjoint paths {s.Disjoint}, timeout {s.TimeoutMs} ms, loss {s.Loss:P1}, tables {s.Tables}{(s.IpLimit is { } l ? $", ip limit {l}/bucket" : "")}, provider checks {(s.VerifyProviders ? "on" : "off")}"));
        b.AppendLine();
        b.AppendLine("| metric | value |");
        b.AppendLine("| --- | --- |");
        Row(b, $"lookups (FIND_NODE, random keys)", $"{Recall.Count}");
        Row(b, "recall of the true k closest (mean / min)", $"{Recall.DefaultIfEmpty().Average():P2} / {Recall.DefaultIfEmpty().Min():P0}");
        Row(b, "recall of the honest nodes among the true k closest (mean)", $"{HonestRecall.DefaultIfEmpty().Average():P2}");
        Row(b, "lookups with full recall", $"{Recall.Count(r => r >= 1) / (double)Math.Max(1, Recall.Count):P1}");
        Row(b, $"rounds p50 / p95 / max (⌈log2 N⌉ = {log2})", $"{P(Rounds, 50)} / {P(Rounds, 95)} / {Rounds.DefaultIfEmpty().Max()}");
        Row(b, "latency p50 / p95 / p99 (ms)", $"{P(LatencyMs, 50):F0} / {P(LatencyMs, 95):F0} / {P(LatencyMs, 99):F0}");
        Row(b, "messages per lookup (mean / p95)", $"{Requests.DefaultIfEmpty().Average():F1} / {P(Requests, 95)}");
        Row(b, "provider lookups found the (live) provider", $"{ProviderHits}/{ProviderLookups} = {ProviderHits / (double)Math.Max(1, ProviderLookups):P1}");
        if (ProviderKeysOfDead > 0)
            Row(b, "keys whose provider was killed: lookups that returned it anyway", $"{DeadProvidersReturned}/{ProviderKeysOfDead}");
        Row(b, "provider lookup latency p50 / p95 (ms)", $"{P(ProviderMs, 50):F0} / {P(ProviderMs, 95):F0}");
        Row(b, "publish to k closest p50 / p95 (ms, before kill)", $"{P(PublishMs, 50):F0} / {P(PublishMs, 95):F0}");
        Row(b, "records stored per publish (mean)", $"{PublishStored.DefaultIfEmpty().Average():F1}");
        if (Values is { } v && v.PublishMs.Count > 0)
        {
            Row(b, "value-publish p50 / p95 (ms), messages (mean), stored (mean)",
                $"{P(v.PublishMs, 50):F0} / {P(v.PublishMs, 95):F0}, {v.PublishMessages.Average():F1}, {v.PublishStored.Average():F1}");
            Row(b, $"value-resolve p50 / p95 (ms), messages (mean), quorum {s.Quorum}, {Math.Max(s.Disjoint, s.ValuePaths)} paths",
                $"{P(v.ResolveMs, 50):F0} / {P(v.ResolveMs, 95):F0}, {v.ResolveMessages.DefaultIfEmpty().Average():F1}");
            Row(b, "value resolves that returned the newest sequence (stale / none)",
                $"{v.Newest}/{v.Resolves} = {v.Newest / (double)Math.Max(1, v.Resolves):P1} ({v.Stale} / {v.Missing})");
            Row(b, "value answers that failed validation; fix-ups stored (requests sent after the resolves returned)", $"{v.InvalidAnswers}; {v.FixedUp} ({ValueFixUpRequests})");
        }
        Row(b, "routing-table entries per node (mean)", $"{TableEntries / (double)s.Nodes:F1}");
        Row(b, "background requests (pings, verification)", $"{BackgroundRequests}");
        Row(b, "simulated events", $"{Events}");
        Row(b, "wall time: tables / total (s)", $"{BuildSeconds:F1} / {WallSeconds:F1}");
        Row(b, "peak working set / managed heap (MiB)", $"{PeakWorkingSetMiB:F0} / {ManagedHeapMiB:F0}");
        return b.ToString();
    }

    private static void Row(StringBuilder b, string name, FormattableString value) =>
        b.AppendLine(Invariant($"| {name} | {value.ToString(CultureInfo.InvariantCulture)} |"));

    private static void Row(StringBuilder b, string name, string value) => b.AppendLine($"| {name} | {value} |");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Nearest-rank percentile.</summary>
    private static T P<T>(List<T> values, int percentile)
    {
        if (values.Count == 0) return default!;
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
