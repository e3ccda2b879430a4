using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// Fuzz target 2: the session after a valid CONNACK, fed an arbitrary inbound byte stream. The
/// first two input bytes choose the setup (<see cref="SessionSetup"/>); the rest arrives in
/// segments, as a pipe would hold it (a partial packet stays until more bytes come), with the
/// clock moved after each segment. After a close the target reconnects (twice at most), so the
/// rest of the input meets a session waiting for CONNACK, and a resumed one after it.
/// The checks are <see cref="SessionDriver"/>'s and <see cref="Oracle"/>'s.
/// </summary>
internal static class SessionTarget
{
    private const int Reconnects = 2;

    public static SessionDriver? Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < SessionSetup.HeaderLength)
        {
            return null;
        }

        SessionSetup setup = SessionSetup.From(input[0], input[1]);
        var driver = new SessionDriver(setup);
        driver.Start();

        byte[] stream = input[SessionSetup.HeaderLength..].ToArray();
        int consumed = 0;
        for (int end = 0; end < stream.Length;)
        {
            end = Math.Min(stream.Length, end + setup.SegmentLength);
            consumed += (int)driver.Receive(Segments.Range(stream, consumed, end, setup.SegmentLength));
            driver.Advance(setup.ClockStep);
            if (driver.Session.State == SessionState.Disconnected)
            {
                if (driver.Connections > Reconnects)
                {
                    break;
                }

                // A new connection: what the old transport held is gone.
                consumed = end;
                driver.Connect();
            }
        }

        driver.LoseConnection();
        return driver;
    }
}
