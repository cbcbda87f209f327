using System.Globalization;

namespace P2P.Sim;

/// <summary>Command-line settings of one simulation run.</summary>
internal sealed class SimSettings
{
    public int Nodes { get; private set; } = 10_000;
    public int Seed { get; private set; } = 1;
    public double RttMs { get; private set; } = 50;
    public double Dead { get; private set; }
    public double Adversaries { get; private set; }
    public string AdversaryMode { get; private set; } = "collude";
    public int K { get; private set; } = 20;
    public int Alpha { get; private set; } = 3;
    public int Beta { get; private set; } = 3;
    public int Disjoint { get; private set; } = 1;
    public double TimeoutMs { get; private set; } = 1000;
    public double Loss { get; private set; }
    public int Lookups { get; private set; } = 1000;
    public int Providers { get; private set; } = 200;
    public string Tables { get; private set; } = "ideal";
    public int? IpLimit { get; private set; }
    public bool VerifyProviders { get; private set; } = true;
    public int Values { get; private set; } = 200;
    public int Quorum { get; private set; } = 3;
    public int ValuePaths { get; private set; } = 2;

    public const string Usage = """
        usage: sim.sh [--nodes N] [--seed S] [--rtt MS] [--dead F] [--adversaries F] [--adversary-mode collude|garbage|phantoms|stale|forged]
                      [--k K] [--alpha A] [--beta B] [--disjoint D] [--timeout MS] [--loss P]
                      [--lookups L] [--providers P] [--tables ideal|join] [--ip-limit M]
                      [--verify-providers on|off] [--values V] [--quorum Q] [--value-paths D]
        example: ./scripts/sim.sh --nodes 10000 --seed 1 --rtt 50 --dead 0.1
        """;

    public static SimSettings? Parse(string[] args, out string? error)
    {
        var s = new SimSettings();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help") return null;
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value";
                return null;
            }
            var value = args[++i];
            try
            {
                switch (name)
                {
                    case "--nodes": s.Nodes = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--seed": s.Seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--rtt": s.RttMs = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--dead": s.Dead = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--adversaries": s.Adversaries = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--adversary-mode": s.AdversaryMode = value; break;
                    case "--k": s.K = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--alpha": s.Alpha = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--beta": s.Beta = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--disjoint": s.Disjoint = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--timeout": s.TimeoutMs = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--loss": s.Loss = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--lookups": s.Lookups = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--providers": s.Providers = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--tables": s.Tables = value; break;
                    case "--ip-limit": s.IpLimit = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--values": s.Values = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--value-paths": s.ValuePaths = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--quorum": s.Quorum = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--verify-providers" when value is "on" or "off": s.VerifyProviders = value == "on"; break;
                    default:
                        error = $"unknown option {name}";
                        return null;
                }
            }
            catch (FormatException)
            {
                error = $"{name}: '{value}' is not a number";
                return null;
            }
        }
        if (s.Tables is not ("ideal" or "join")) error = "--tables must be ideal or join";
        else if (s.AdversaryMode is not ("collude" or "garbage" or "phantoms" or "stale" or "forged"))
            error = "--adversary-mode must be collude, garbage, phantoms, stale or forged";
        else if (s.Values < 0 || s.Quorum < 1 || s.Quorum > s.K || s.ValuePaths < 1 || s.ValuePaths > s.K)
            error = "need --values >= 0, 1 <= --quorum <= k and 1 <= --value-paths <= k";
        else if (s.Nodes < 2 || s.Dead is < 0 or >= 1 || s.Adversaries is < 0 or >= 1 || s.Loss is < 0 or >= 1)
            error = "need nodes >= 2 and fractions in [0, 1)";
        return error is null ? s : null;
    }
}
