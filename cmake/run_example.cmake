# Runs one example as a test: it must exit with status 0 and print output
# that matches EXPECT (a regular expression).
#   cmake -DEXPECT=REGEX -P run_example.cmake -- PROGRAM ARGS...
set(command)
set(seen_separator FALSE)
foreach(i RANGE ${CMAKE_ARGC})
  if(seen_separator AND DEFINED CMAKE_ARGV${i})
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(seen_separator TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "usage: cmake -DEXPECT=REGEX -P run_example.cmake -- PROGRAM ARGS...")
endif()
execute_process(COMMAND ${command} RESULT_VARIABLE status
                OUTPUT_VARIABLE output ERROR_VARIABLE errors)
message("${output}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "exited with ${status}:\n${errors}")
endif()
if(NOT output MATCHES "${EXPECT}")
  message(FATAL_ERROR "output does not match \"${EXPECT}\"")
endif()
