namespace P2P.Node.Security;

/// <summary>
/// A sliding bitmap of received message counters (the anti-replay window of RFC 4303 §3.4.3 / RFC 6479).
/// LiteNetLib channels deliver independently, so counters from one sender arrive out of order; the window is
/// wide (16,384 counters) because a message queued behind large blocks on one channel can lag thousands of
/// small messages sent on others. Not thread-safe: <see cref="SecureSession"/> holds its lock around calls.
/// </summary>
internal sealed class ReplayWindow
{
    public const int Size = 1 << 14;

    private const int Words = Size / 64;

    /// <summary>Bit (counter mod Size) is set when that counter has been accepted; only counters in (highest - Size, highest] are tracked.</summary>
    private readonly ulong[] _bits = new ulong[Words];
    private ulong _highest;
    private bool _any;

    /// <summary>True when <paramref name="counter"/> is new and inside the window (nothing is recorded).</summary>
    public bool IsFresh(ulong counter)
    {
        if (!_any || counter > _highest)
            return true;
        if (_highest - counter >= Size)
            return false;
        var bit = counter % Size;
        return (_bits[bit / 64] & (1UL << (int)(bit % 64))) == 0;
    }

    /// <summary>Records <paramref name="counter"/> as received; false if it was a replay or too old.</summary>
    public bool TryMark(ulong counter)
    {
        if (!IsFresh(counter))
            return false;
        if (!_any)
        {
            _any = true;
            _highest = counter;
        }
        else if (counter > _highest)
        {
            Advance(counter);
        }
        var bit = counter % Size;
        _bits[bit / 64] |= 1UL << (int)(bit % 64);
        return true;
    }

    /// <summary>Moves the top of the window to <paramref name="counter"/>, clearing the slots it now covers anew.</summary>
    private void Advance(ulong counter)
    {
        var distance = counter - _highest;
        if (distance >= Size)
        {
            Array.Clear(_bits);
        }
        else
        {
            for (var c = _highest + 1; c <= counter; c++)
            {
                var bit = c % Size;
                if (bit % 64 == 0 && counter - c >= 63)
                {
                    // A whole word falls in the new range: clear it at once.
                    _bits[bit / 64] = 0;
                    c += 63;
                    continue;
                }
                _bits[bit / 64] &= ~(1UL << (int)(bit % 64));
            }
        }
        _highest = counter;
    }
}
