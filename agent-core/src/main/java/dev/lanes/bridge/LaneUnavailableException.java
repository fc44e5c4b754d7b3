package dev.lanes.bridge;

/**
 * Thrown for a call in a strict lane ({@code fallback: none}) when the called service has no
 * instance of that lane up. The message names the service and the lane.
 */
public class LaneUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String service;
    private final String lane;

    public LaneUnavailableException(String service, String lane) {
        super("Lanes: no instance of service '" + service + "' is up in strict lane '" + lane
                + "' (fallback: none), so the call was not sent");
        this.service = service;
        this.lane = lane;
    }

    public String service() {
        return service;
    }

    public String lane() {
        return lane;
    }
}
