using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport.Nat;

/// <summary>
/// What peers say our address is (identify's observed address). An endpoint is believed only once
/// <see cref="NatOptions.ObservedAddressQuorum"/> distinct peers at distinct addresses report it, so one liar (or one
/// address with many identities) cannot make us advertise where it wants our traffic sent. Each peer's latest report
/// replaces its previous one; at most <see cref="MaxReports"/> reports are kept (the oldest goes).
/// </summary>
internal sealed class ObservedAddresses(int quorum)
{
    public const int MaxReports = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<PeerId, (IPAddress Observer, IPEndPoint Observed, long Seq)> _reports = [];
    private long _seq;

    /// <summary>Records a report; true when the believed endpoint changed.</summary>
    public bool Report(PeerId reporter, IPAddress reporterAddress, IPEndPoint observed)
    {
        lock (_gate)
        {
            var before = ConfirmedLocked();
            _reports[reporter] = (reporterAddress, observed, ++_seq);
            if (_reports.Count > MaxReports)
                _reports.Remove(_reports.MinBy(r => r.Value.Seq).Key);
            return !Equals(before, ConfirmedLocked());
        }
    }

    public bool Forget(PeerId reporter)
    {
        lock (_gate)
        {
            var before = ConfirmedLocked();
            return _reports.Remove(reporter) && !Equals(before, ConfirmedLocked());
        }
    }

    /// <summary>The endpoint most distinct observer addresses agree on, if at least the quorum do.</summary>
    public IPEndPoint? Confirmed
    {
        get { lock (_gate) return ConfirmedLocked(); }
    }

    /// <summary>Every distinct endpoint reported, with how many distinct observer addresses report it.</summary>
    public IReadOnlyList<(IPEndPoint EndPoint, int Observers)> All
    {
        get
        {
            lock (_gate)
                return _reports.Values.GroupBy(r => r.Observed)
                    .Select(g => (g.Key, g.Select(r => r.Observer).Distinct().Count()))
                    .OrderByDescending(x => x.Item2).ToList();
        }
    }

    private IPEndPoint? ConfirmedLocked()
    {
        IPEndPoint? best = null;
        var bestCount = 0;
        foreach (var group in _reports.Values.GroupBy(r => r.Observed))
        {
            var observers = group.Select(r => r.Observer).Distinct().Count();
            if (observers > bestCount)
                (best, bestCount) = (group.Key, observers);
        }
        return bestCount >= quorum ? best : null;
    }
}
